from socket import *

s = socket()
s.connect(('127.0.0.1', 8888))
while True:
    q = input('>>')
    if not q:
        break
    s.send(q.encode())
    data = s.recv(1024)
s.close()
