from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
while True:
    conn, addr = s.accept()     # 忘了 listen
    f = open('new.jpg', 'wb')
    while True:
        data = conn.recv(1024)
        if not data:
            break
        f.write(data)
    f.close()
    conn.close()
