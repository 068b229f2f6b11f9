from socket import *

server = socket(AF_INET, SOCK_DGRAM)
server.bind(('0.0.0.0', 8888))
while True:
    data, addr = server.recvfrom(65535)
    ip, port = addr
    # 回复给客户端（本机测试）
    server.sendto(data, ('127.0.0.1', port))
