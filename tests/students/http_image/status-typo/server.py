from socket import *

sock = socket()
sock.bind(("0.0.0.0", 8000))
sock.listen(5)
while True:
    connfd, addr = sock.accept()
    request = connfd.recv(1024)
    f = open('image.jpg', 'rb')
    data = f.read()
    f.close()
    response = "HTTP/1.1 20O OK\r\n"  # 0 写成了字母 O
    response += "Content-Type:image/jpeg\r\n"
    response += "\r\n"
    connfd.send(response.encode() + data)
    connfd.close()
