from socket import *

# 读取单词本
words = {}
f = open('dict.txt', encoding='utf-8')
for line in f:
    word, _, mean = line.strip().partition(' ')
    words[word] = mean.strip()
f.close()

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    word = data.decode().strip()
    # 查单词
    s.sendto(words[word].encode(), addr)
