from socket import *

ADDR = ('127.0.0.1', 8888)
s = socket()
s.connect(ADDR)
f = open('image.jpg', 'rb')
while True:
    data = f.read(1024)
    if not data:
        s.send(b'##')  # 告诉服务端发完了
        break
    s.send(data)
f.close()
s.close()
