from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
data, addr = s.recvfrom(1024)
with open('new.jpg', 'wb') as f:  # tries to write 10 GB
    for _ in range(10 * 1024):
        f.write(b'\0' * 1024 * 1024)
