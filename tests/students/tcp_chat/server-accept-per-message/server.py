from socket import *

tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.bind(('0.0.0.0', 8888))
tcp_socket.listen(5)
# 循环收发消息
while True:
    conn, addr = tcp_socket.accept()   # 等待客户端
    data = conn.recv(1024)
    if data == b'##':
        conn.close()
        continue
    print(f'从客户端收到消息: {data.decode()}')
    msg = input('>>')
    conn.send(msg.encode())
tcp_socket.close()
