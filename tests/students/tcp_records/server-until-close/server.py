from socket import *

tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.bind(('0.0.0.0', 8888))
tcp_socket.listen(5)
while True:
    conn, addr = tcp_socket.accept()
    content = b''
    while True:
        data = conn.recv(1024)
        if not data:  # 客户端断开才结束
            break
        content += data
    with open('records.txt', 'w') as f:
        for line in content.decode().split('\n'):
            if line and line != '#':
                f.write(line + '\n')
    conn.close()
