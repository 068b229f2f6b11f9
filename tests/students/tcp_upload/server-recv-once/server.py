from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    data = conn.recv(1024 * 1024)   # 只收一次
    f = open('new.jpg', 'wb')
    f.write(data)
    f.close()
    conn.close()
