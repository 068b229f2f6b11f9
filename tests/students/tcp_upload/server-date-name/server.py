import time
from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    # 用日期做文件名
    f = open('2020-12-10.jpg', 'wb')
    while True:
        data = conn.recv(1024)
        if not data:
            break
        f.write(data)
    f.close()
    conn.close()
