from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8000))
s.listen(5)
while True:
    conn, addr = s.accept()
    req = conn.recv(4096)
    with open('image.jpg', 'rb') as f:
        body = f.read()
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: image/jpg\r\n\r\n")
    conn.sendall(body)
    conn.close()
