from socket import *

s = socket()
s.bind(('0.0.0.0', 8000))
s.listen(5)
while True:
    c, addr = s.accept()
    print(c.recv(1024).decode())
    with open('image.jpg', 'rb') as f:
        img = f.read()
    c.send(b"HTTP/1.1 200 OK\r\nContent-Type:text/html\r\n\r\n" + img)  # 复制了 hello world 的响应头
    c.close()
