from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    f = open('new.jpg', 'ab')     # 追加模式
    while True:
        data = conn.recv(1024)
        if not data:
            break
        f.write(data)
    f.close()
    conn.close()
