from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(('0.0.0.0', 8888))
client = None
while True:
    data, addr = udp_socket.recvfrom(1024)
    if data == b'##':
        break
    # 记下聊天对象的地址
    if client is None:
        client = addr
    print(f'从{addr}获取到消息: {data.decode()}')
    msg = input('>>')
    udp_socket.sendto(msg.encode(), client)
udp_socket.close()
