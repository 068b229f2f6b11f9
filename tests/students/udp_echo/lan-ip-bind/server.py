from socket import *

s = socket(AF_INET, SOCK_DGRAM)
# 绑定本机在教室局域网的IP
s.bind(('172.40.91.185', 8888))
while True:
    data, addr = s.recvfrom(4096)
    print(data.decode())
    s.sendto(data, addr)
