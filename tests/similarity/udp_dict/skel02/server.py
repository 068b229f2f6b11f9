from socket import *

# 创建数据报套接字
sockfd = socket(AF_INET, SOCK_DGRAM)

# 绑定地址
server_addr = ('0.0.0.0', 8888)
sockfd.bind(server_addr)


def find(word):
    with open('dict.txt', encoding='utf-8') as f:
        for line in f:
            if line.startswith(word) and len(line) > len(word) and line[len(word)] in ' \t':
                return line[len(word):].strip()
    return '查无此词'


# 消息收发
while True:
    data, addr = sockfd.recvfrom(1024)
    word = data.decode().strip()
    print("收到的消息:", word)
    sockfd.sendto(find(word).encode(), addr)

# 关闭套接字
sockfd.close()
