import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('0.0.0.0', 8000))
s.listen(5)
while True:
    c, a = s.accept()
    c.recv(1024)
    with open('C:\\Users\\Administrator\\Desktop\\jj.jpg', 'rb') as f:  # 在 Windows 上写的
        img = f.read()
    c.send(b'HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n' + img)
    c.close()
