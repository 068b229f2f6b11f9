from socket import *
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('', 8888))
while True:
    data, addr = s.recvfrom(1024)
    s.sendto(b"", addr)
