from socket import *

ADDR = ('127.0.0.1', 8888)
s = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    if msg == '##':
        # 退出前通知服务器
        s.sendto(b'', ADDR)
        break
    s.sendto(msg.encode(), ADDR)
    data, addr = s.recvfrom(4096)
    print(data.decode())
s.close()
