from socket import *
s = socket(AF_INET, SOCK_STREAM)
s.connect(('127.0.0.1', 8888))
f = open('image.jpg', 'rb')
while True:
    data = f.read(1024)
    if not data:
        break
    s.send(data)
f.close()
s.send(b'##')
msg = s.recv(1024)   # 等服务器说收到了
print(msg.decode())
s.close()
