from socket import *

ADDR = ('127.0.0.1', 8888)
udp_socket = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    udp_socket.sendto(msg.encode(), ADDR)
    if msg == '##':
        break
    # 收消息
    data, addr = udp_socket.recvfrom(1024)
udp_socket.close()
