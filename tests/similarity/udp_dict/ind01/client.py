from socket import *

s = socket(AF_INET, SOCK_DGRAM)
while True:
    w = input('word> ')
    if w == '##':
        break
    s.sendto(w.encode(), ('127.0.0.1', 8888))
    msg, addr = s.recvfrom(1024)
    print(msg.decode())
s.close()
