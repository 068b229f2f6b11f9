from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    while True:
        data = conn.recv(1024)
        if data == '##':       # data 是 bytes，和字符串永远不相等
            break
        print('从客户端收到消息:', data.decode())
        conn.send(input('>>').encode())
    conn.close()
