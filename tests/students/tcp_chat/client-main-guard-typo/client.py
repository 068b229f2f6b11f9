"""
TCP 聊天 客户端
"""
from socket import *

ADDR = ('127.0.0.1', 8888)


def main():
    tcp_socket = socket(AF_INET, SOCK_STREAM)
    tcp_socket.connect(ADDR)
    while True:
        msg = input('>>')
        tcp_socket.send(msg.encode())
        if msg == '##':
            break
        data = tcp_socket.recv(1024)
        print('从服务器端收到消息:', data.decode())
    tcp_socket.close()


if __name__ == 'main':
    main()
