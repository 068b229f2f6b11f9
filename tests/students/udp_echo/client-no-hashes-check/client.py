from socket import *

ADDR = ('127.0.0.1', 8888)
s = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    # 发送消息
    s.sendto(msg.encode(), ADDR)
    data, addr = s.recvfrom(4096)
    print('从服务器端收到消息:', data.decode())
s.close()
