"""
udp_server.py  回声服务器（学生作业示例）
"""
from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(('0.0.0.0', 8888))
print('服务器启动，等待消息...')
while True:
    data, addr = udp_socket.recvfrom(4096)
    print(f'从{addr}获取到消息: {data.decode()}')
    udp_socket.sendto(data, addr)
