from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
client_addr = None
while True:
    data, addr = s.recvfrom(4096)
    # 记住客户端的地址
    if client_addr is None:
        client_addr = addr
    print(f'从{addr}获取到消息: {data.decode()}')
    s.sendto(data, client_addr)
