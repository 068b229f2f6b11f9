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
    # 加上换行再发送
    s.sendto((msg + '\n').encode(), ADDR)
    data, addr = s.recvfrom(4096)
    print(data.decode())
s.close()
