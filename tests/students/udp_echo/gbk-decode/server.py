from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    # 中文用gbk解码
    msg = data.decode('gbk', 'ignore')
    print(msg)
    s.sendto(msg.encode(), addr)
