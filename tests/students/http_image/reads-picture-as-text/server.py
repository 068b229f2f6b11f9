# -*- coding: utf-8 -*-
from socket import *


def main():
    s = socket()
    s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', 8000))
    s.listen(5)
    while True:
        c, addr = s.accept()
        data = c.recv(1024)
        print(data.decode())
        # 先发响应行、响应头和空行
        c.send(b"HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n\r\n")
        # 再发图片
        with open('image.jpg') as f:
            img = f.read()
        c.send(img.encode())
        c.close()


if __name__ == '__main__':
    main()
