from socket import *

# 聊天服务器：回复用 gbk 编码（和 Windows 的网络调试助手聊天时这样写）
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(1024)
    if data == b'##':
        break
    print('收到：', data.decode())
    msg = input('>>')
    s.sendto(msg.encode('gbk'), addr)
s.close()
