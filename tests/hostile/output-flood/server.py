from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
data, addr = s.recvfrom(1024)
while True:  # about 1 GB of output before the check gives up on it
    print('x' * 1000)
