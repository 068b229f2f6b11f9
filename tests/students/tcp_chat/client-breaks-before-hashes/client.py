from socket import *

c = socket(AF_INET, SOCK_STREAM)
c.connect(('127.0.0.1', 8888))
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    if msg == '##':
        break               # 还没把 ## 发给服务器就退出了
    c.send(msg.encode())
    print('从服务器端收到消息:', c.recv(1024).decode())
c.close()
