from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    print(data.decode())
    # 新建一个套接字用来发送
    s2 = socket(AF_INET, SOCK_DGRAM)
    s2.sendto(data, addr)
    s2.close()
