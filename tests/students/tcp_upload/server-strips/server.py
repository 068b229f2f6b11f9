from socket import *

# 图片上传服务端
sockfd = socket(AF_INET, SOCK_STREAM)
sockfd.bind(('0.0.0.0', 8888))
sockfd.listen(5)
while True:
    connfd, addr = sockfd.accept()
    print('连接：', addr)
    content = b''
    while True:
        data = connfd.recv(1024)
        if not data:
            break
        content += data
    f = open('new.jpg', 'wb')
    f.write(content.strip())  # 去掉首尾空白
    f.close()
    connfd.close()
