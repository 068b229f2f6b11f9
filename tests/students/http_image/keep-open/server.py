from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8000))
s.listen(5)
with open('image.jpg', 'rb') as f:
    img = f.read()
while True:
    conn, addr = s.accept()
    print("新连接", addr)
    # HTTP/1.1 是长连接，所以一直在这个连接上收请求
    while True:
        req = conn.recv(1024)
        if not req:
            break
        print(req.decode().split('\r\n')[0])
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n\r\n" + img)
    conn.close()
