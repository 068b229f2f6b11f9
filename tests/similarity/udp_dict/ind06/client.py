from socket import *

# 服务器地址
HOST = '127.0.0.1'
PORT = 8888
ADDR = (HOST, PORT)

# 创建套接字
s = socket(AF_INET, SOCK_DGRAM)

# 循环发送
while True:
    word = input('请输入单词：')
    # 输入##退出
    if word == '##':
        print('退出查询')
        break
    s.sendto(word.encode(), ADDR)
    data, addr = s.recvfrom(1024)
    print('单词解释：', data.decode())

# 关闭套接字
s.close()
