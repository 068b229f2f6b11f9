from socket import *

sockfd = socket(AF_INET, SOCK_STREAM)
sockfd.bind(('0.0.0.0', 8888))
sockfd.listen(5)
while True:
    connfd, addr = sockfd.accept()
    print('Connect from', addr)
    f = open('records.txt', 'w')
    while True:
        data = connfd.recv(1024)
        if not data or data == b'#':  # 收到 # 表示发送完毕
            break
        f.write(data.decode())
    f.close()
    connfd.close()
