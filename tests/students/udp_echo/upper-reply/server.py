from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
print('服务器启动...')
while True:
    data, addr = s.recvfrom(4096)
    print(data.decode())
    # 回复大写的内容
    s.sendto(data.upper(), addr)
