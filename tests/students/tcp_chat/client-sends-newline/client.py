from socket import *

c = socket(AF_INET, SOCK_STREAM)
c.connect(('127.0.0.1', 8888))
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    c.send((msg + '\n').encode())
    if msg == '##':
        break
    print('从服务器端收到消息:', c.recv(1024).decode())
c.close()
