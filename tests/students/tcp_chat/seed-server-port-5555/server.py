from socket import *

# 1. 创建TCP socket对象
tcp_socket = socket(AF_INET, SOCK_STREAM)
# 2. 绑定地址
tcp_socket.bind(('0.0.0.0', 5555))
# 3. 设置监听
tcp_socket.listen(5)
# 4. 循环接收客户端连接
while True:
    print('等待客户端连接')
    conn, addr = tcp_socket.accept()
    # 5. 循环收发消息
    while True:
        # 收消息
        data = conn.recv(256)
        if data == b'##':
            break
        print(f'从客户端收到消息: {data.decode()}')
        # 发消息
        msg = input('>>')
        conn.send(msg.encode())
    conn.close()
# 6. 释放资源
tcp_socket.close()
