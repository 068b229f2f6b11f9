from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
# 绑定地址
udp_socket.bind('0.0.0.0', 8888)
while True:
    data, addr = udp_socket.recvfrom(1024)
    if data == b'##':
        break
    print(f'从{addr}获取到消息: {data.decode()}')
    msg = input('>>')
    udp_socket.sendto(msg.encode(), addr)
udp_socket.close()
