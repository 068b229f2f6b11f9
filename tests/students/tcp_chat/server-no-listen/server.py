from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
# 忘了 s.listen(5)
while True:
    conn, addr = s.accept()
    while True:
        data = conn.recv(1024)
        if data == b'##':
            break
        print('收到：', data.decode())
        conn.send(input('>>').encode())
    conn.close()
