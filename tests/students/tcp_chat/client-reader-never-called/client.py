from socket import *

def chat(s):
    while True:
        msg = input('>>')
        s.send(msg.encode())
        if msg == '##':
            break
        data = s.recv(1024)
        print('从服务器端收到消息:', data.decode())

s = socket(AF_INET, SOCK_STREAM)
s.connect(('127.0.0.1', 8888))
# chat(s)
s.close()
