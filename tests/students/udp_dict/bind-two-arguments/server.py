from socket import *

d = {}
for line in open('dict.txt', encoding='utf-8'):
    word, mean = line.split(' ', 1)
    d[word] = mean.strip()
s = socket(AF_INET, SOCK_DGRAM)
s.bind('0.0.0.0', 8888)  # 少了一对括号
while True:
    data, addr = s.recvfrom(1024)
    s.sendto(d.get(data.decode(), '没有这个单词').encode(), addr)
