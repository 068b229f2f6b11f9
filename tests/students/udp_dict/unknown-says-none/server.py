from socket import *

d = {}
f = open('dict.txt', encoding='utf-8')
for line in f:
    w = line.split(' ', 1)
    if len(w) == 2:
        d[w[0]] = w[1].strip()
f.close()
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    mean = d.get(data.decode())
    s.sendto(str(mean).encode(), addr)  # 查不到时发送 None
