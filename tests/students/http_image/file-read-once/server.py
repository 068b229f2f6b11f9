from socket import *

f = open('image.jpg', 'rb')  # 先把图片打开

s = socket()
s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8000))
s.listen(5)
while True:
    c, addr = s.accept()
    c.recv(1024)
    data = f.read()   # 每次请求读取图片
    c.send(b'HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n\r\n' + data)
    c.close()
