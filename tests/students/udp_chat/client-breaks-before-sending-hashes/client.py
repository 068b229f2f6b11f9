from socket import *

ADDR = ('127.0.0.1', 8888)
udp_socket = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input('>>')
    except EOFError:
        break
    # 输入##就退出
    if msg == '##':
        break
    udp_socket.sendto(msg.encode(), ADDR)
    data, addr = udp_socket.recvfrom(1024)
    print(f'从服务器端收到消息: {data.decode()}')
udp_socket.close()
