from socket import *

sock = socket()
sock.bind(("0.0.0.0", 8000))
connfd, addr = sock.accept()   # 没有 listen()
request = connfd.recv(1024)
connfd.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\nhello world")
connfd.close()
