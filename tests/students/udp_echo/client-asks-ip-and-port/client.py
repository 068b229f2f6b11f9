from socket import *

# 输入格式 127.0.0.1:8888
ip, port = input('请输入服务器的IP和端口(如 127.0.0.1:8888):').split(':')
ADDR = (ip, int(port))
c = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    if msg == '##':
        break
    c.sendto(msg.encode(), ADDR)
    data, addr = c.recvfrom(2048)
    print('服务器回复：', data.decode())
c.close()
