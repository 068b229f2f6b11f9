from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
data, addr = s.recvfrom(1024)
hog = []
while True:  # a list that only grows
    hog.append(b'x' * 10_000_000)
