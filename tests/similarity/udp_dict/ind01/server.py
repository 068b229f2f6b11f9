from socket import *

f = open('dict.txt', encoding='utf-8')
d = {line.split()[0]: ' '.join(line.split()[1:]) for line in f if line.strip()}
f.close()

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('127.0.0.1', 8888))
print('server start...')
while True:
    data, addr = s.recvfrom(1024)
    word = data.decode().strip()
    s.sendto(d.get(word, '没有找到该单词').encode(), addr)
