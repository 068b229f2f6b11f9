from socket import *

sock = socket()
sock.bind(("0.0.0.0", 8000))
sock.listen(5)
while True:
    connfd, addr = sock.accept()
    request = connfd.recv(1024)
    with open('image.jpg', 'rb') as f:
        data = f.read()
    response = "HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n"  # 忘了空行
    connfd.send(response.encode() + data)
    connfd.close()
