from socket import *

ADDR = ('127.0.0.1', 8888)
s = socket(AF_INET, SOCK_DGRAM)
while True:
    msg = input('>>')
    if msg == '##':
        break
    s.sendto(msg.encode(), ADDR)
    data, addr = s.recvfrom(4096)
    print(data.decode())
s.close()
