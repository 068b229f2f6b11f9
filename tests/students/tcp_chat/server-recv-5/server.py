from socket import *
s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    while True:
        data = conn.recv(5)
        if not data or data == b'##':
            break
        print('从客户端收到消息:', data.decode())
        msg = input('>>')
        conn.send(msg.encode())
    conn.close()
