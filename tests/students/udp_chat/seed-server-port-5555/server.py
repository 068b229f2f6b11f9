from socket import *

# 1. 创建UDP socket对象
udp_socket = socket(AF_INET, SOCK_DGRAM)
# 2. 绑定地址
udp_socket.bind(('0.0.0.0', 5555))
# 3. 循环收发消息
while True:
    # 收消息
    data, addr = udp_socket.recvfrom(256)
    # 服务器端接收到##退出
    if data == b'##':
        break
    print(f'从{addr}获取到消息: {data.decode()}')
    msg = input('>>')
    # 发消息
    udp_socket.sendto(msg.encode(), addr)

# 4. 释放资源
udp_socket.close()
