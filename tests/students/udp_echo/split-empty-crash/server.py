from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    # 取出第一个词打印
    first = data.decode().split()[0]
    print('收到:', first)
    s.sendto(data, addr)
