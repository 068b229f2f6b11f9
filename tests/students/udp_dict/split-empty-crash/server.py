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
    # 只取第一个单词
    word = data.decode().split()[0]
    s.sendto(words.get(word, '没有这个单词').encode(), addr)
