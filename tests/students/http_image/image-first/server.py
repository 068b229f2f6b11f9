from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8000))
s.listen(5)
while True:
    conn, addr = s.accept()
    conn.recv(1024)
    f = open('image.jpg', 'rb')
    img = f.read()
    f.close()
    # 先发图片再发头
    conn.send(img)
    conn.send("HTTP/1.1 200 OK\r\nContent-Type:image/jpeg\r\n\r\n".encode())
    conn.close()
