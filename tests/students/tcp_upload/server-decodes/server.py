from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    f = open('new.jpg', 'w')
    while True:
        data = conn.recv(1024)
        if not data:
            break
        f.write(data.decode())     # 图片不是文字，不能 decode
    f.close()
    conn.close()
