from socket import *

# 老师机器上的服务器
ADDR = ('192.168.33.8080', 8888)  # 端口打进了 IP
s = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        word = input('请输入单词：')
    except EOFError:
        break
    if word == '##':
        break
    s.sendto(word.encode(), ADDR)
    data, addr = s.recvfrom(4096)
    print(data.decode())
s.close()
