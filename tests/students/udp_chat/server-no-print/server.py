from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(('0.0.0.0', 8888))
while True:
    data, addr = udp_socket.recvfrom(1024)
    if data == b'##':
        break
    # 回复客户端
    msg = input('>>')
    udp_socket.sendto(msg.encode(), addr)
udp_socket.close()
