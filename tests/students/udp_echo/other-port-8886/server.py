from socket import *

s = socket(AF_INET, SOCK_DGRAM)
# 8888被占用了，换一个端口
s.bind(('0.0.0.0', 8886))
while True:
    data, addr = s.recvfrom(4096)
    print(data.decode())
    s.sendto(data, addr)
