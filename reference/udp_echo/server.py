"""UDP echo server: sends every datagram back to its sender, forever."""
from socket import AF_INET, SOCK_DGRAM, socket

server = socket(AF_INET, SOCK_DGRAM)
server.bind(("0.0.0.0", 8888))
while True:
    data, addr = server.recvfrom(65535)
    server.sendto(data, addr)
