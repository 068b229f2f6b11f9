from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    # 每次最多接收1024字节
    data, addr = s.recvfrom(1024)
    s.sendto(data, addr)
