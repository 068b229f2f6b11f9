# -*- coding: utf-8 -*-
# Windows 控制台是 gbk，不设置的话中文打印出来是乱码
import sys, io
sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding='gbk')
from socket import *

tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.bind(('0.0.0.0', 8888))
tcp_socket.listen(5)
while True:
    print('等待客户端连接', flush=True)
    conn, addr = tcp_socket.accept()
    print('客户端已连接：', addr, flush=True)
    while True:
        data = conn.recv(1024)
        if data == b'##' or not data:
            break
        print('从客户端收到消息:', data.decode(), flush=True)
        msg = input('>>')
        conn.send(msg.encode())
    conn.close()
tcp_socket.close()
