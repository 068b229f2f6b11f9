from socket import *

ADDR = ('127.0.0.1', 8888)
s = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    if msg == '##':
        break
    s.sendto(msg.encode(), ADDR)
    # 接收服务器的回复
    data, addr = s.recvfrom(4096)
s.close()
