from socket import *

# 创建UDP套接字
s = socket(AF_INET, SOCK_DGRAM)
# 忘了绑定地址
print('服务器启动...')
while True:
    data, addr = s.recvfrom(4096)
    print(data.decode())
    s.sendto(data, addr)
