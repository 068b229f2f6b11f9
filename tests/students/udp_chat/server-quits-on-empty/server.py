from socket import *

# 创建 UDP 套接字
server = socket(AF_INET, SOCK_DGRAM)
server.bind(('0.0.0.0', 8888))
print('UDP 服务器已启动 8888')

while True:
    data, addr = server.recvfrom(1024)
    # 收到 ## 或者空消息就退出
    if not data or data == b'##':
        print('聊天结束')
        break
    print('从{}获取到消息: {}'.format(addr, data.decode()))
    msg = input('>>')
    server.sendto(msg.encode(), addr)

server.close()
