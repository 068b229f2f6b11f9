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
    data, addr = s.recvfrom(4096)
    # 打印服务器发回来的消息
    print('收到:', msg)
s.close()
