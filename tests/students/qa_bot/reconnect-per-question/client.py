from socket import *

while True:
    q = input('请输入问题：')
    if q == '':
        break
    s = socket()
    s.connect(('127.0.0.1', 8888))
    s.send(q.encode())
    print(s.recv(1024).decode())
    s.close()
