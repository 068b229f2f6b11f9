from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
# 接收消息
data, addr = s.recvfrom(4096)
print(data.decode())
# 发回去
s.sendto(data, addr)
s.close()
