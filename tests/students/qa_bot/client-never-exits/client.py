from socket import *

s = socket()
s.connect(('127.0.0.1', 8888))
while True:
    q = input('请输入问题：')
    s.send(q.encode())
    print(s.recv(1024).decode())
