from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    print('收到消息:', data.decode())
    # 告诉客户端收到了
    s.sendto(b'ok', addr)
