from socket import *

sockfd = socket()
sockfd.bind(('0.0.0.0', 8000))
sockfd.listen(5)
while True:
    connfd, addr = sockfd.accept()
    data = connfd.recv(1024)
    f = open('image.jpg', 'rb')
    img = f.read(1024)  # 只读了 1024 字节
    f.close()
    connfd.send(b'HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n\r\n' + img)
    connfd.close()
