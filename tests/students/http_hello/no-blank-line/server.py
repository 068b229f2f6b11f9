from socket import *

sock = socket()
sock.bind(("0.0.0.0", 8000))
sock.listen(5)
while True:
    connfd, addr = sock.accept()
    request = connfd.recv(1024)
    print(request.decode())
    response = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nhello world"
    connfd.send(response.encode())
    connfd.close()
