from socket import *

c = socket(AF_INET, SOCK_STREAM)
c.connect(('127.0.0.1', 8888))
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    c.send(msg.encode())
    if msg == '##':
        break
    data = c.recv(1024)     # 收到了，但是没有打印
c.close()
