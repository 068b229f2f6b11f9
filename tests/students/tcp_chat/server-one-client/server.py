from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
conn, addr = s.accept()      # 只接待一个客户端
while True:
    data = conn.recv(1024)
    if data == b'##':
        break
    print('从客户端收到消息:', data.decode())
    conn.send(input('>>').encode())
conn.close()
s.close()
