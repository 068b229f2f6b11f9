from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    f = open('new.jpg', 'wb')
    while True:
        data = conn.recv(1024)
        if data == b'##':          # 等客户端发 ## 才结束
            break
        f.write(data)
    f.close()
    conn.close()
