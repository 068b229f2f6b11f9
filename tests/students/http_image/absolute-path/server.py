from socket import *

sock = socket()
sock.bind(("0.0.0.0", 8000))
sock.listen(5)
while True:
    connfd, addr = sock.accept()
    print("Connect from", addr)
    request = connfd.recv(1024)
    f = open('/home/tarena/FTP/ggg.jpg', 'rb')
    data = f.read()
    response = "HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n\r\n"
    connfd.send(response.encode() + data)
    connfd.close()
