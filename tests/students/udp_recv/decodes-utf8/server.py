from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('', 7788))
data, addr = s.recvfrom(1024)
print(data.decode())  # 默认 utf-8
s.close()
