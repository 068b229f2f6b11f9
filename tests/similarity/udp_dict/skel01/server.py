from socket import *

# 读取词典
words = {}
f = open('dict.txt')
for line in f:
    tmp = line.split(maxsplit=1)
    if len(tmp) == 2:
        words[tmp[0]] = tmp[1].strip()
f.close()

# 创建数据报套接字
sockfd = socket(AF_INET, SOCK_DGRAM)

# 绑定地址
server_addr = ('127.0.0.1', 8888)
sockfd.bind(server_addr)

# 消息收发
while True:
    data, addr = sockfd.recvfrom(1024)
    word = data.decode()
    print("查询单词:", word)
    if word in words:
        sockfd.sendto(words[word].encode(), addr)
    else:
        sockfd.sendto('没有找到该单词'.encode(), addr)

# 关闭套接字
sockfd.close()
