from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    while True:
        data = conn.recv(1024)
        if data == b'##':
            break
        msg = input('>>')   # 没有打印收到的消息
        conn.send(msg.encode())
    conn.close()
