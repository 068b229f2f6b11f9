from socket import *

ADDR = ('127.0.0.1', 8888)
udp_socket = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    udp_socket.sendto((msg + '\n').encode(), ADDR)
    if msg == '##':
        break
    data, addr = udp_socket.recvfrom(1024)
    print(f'从服务器端收到消息: {data.decode()}')
udp_socket.close()
