from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
while True:
    c, addr = s.accept()
    c.close()
