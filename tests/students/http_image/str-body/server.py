from socket import *

sock = socket()
sock.bind(("0.0.0.0", 8000))
sock.listen(5)
while True:
    connfd, addr = sock.accept()
    connfd.recv(1024)
    with open("image.jpg", "rb") as f:
        data = f.read()
    response = "HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n\r\n" + str(data)
    connfd.send(response.encode())
    connfd.close()
