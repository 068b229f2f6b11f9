from socket import *

sockets = []
for port in list(range(20000, 20500)) + [8888]:  # 500 other ports first, then the handout's
    s = socket(AF_INET, SOCK_DGRAM)
    s.bind(('0.0.0.0', port))
    sockets.append(s)
while True:
    data, addr = sockets[-1].recvfrom(1024)
    sockets[-1].sendto(data, addr)
