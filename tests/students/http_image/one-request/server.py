"""
http请求和响应演示（图片）
"""
from socket import *

sock = socket()
sock.bind(("0.0.0.0", 8000))
sock.listen(5)
connfd, addr = sock.accept()
print("Connect from", addr)
request = connfd.recv(1024)
print(request.decode())
f = open('image.jpg', 'rb')
response = b"HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n\r\n" + f.read()
connfd.send(response)
connfd.close()
sock.close()
