from socket import *

ADDR = ('127.0.0.1', 8888)
s = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        word = input('请输入单词：')
    except EOFError:
        break
    if word == '##':
        break
    s.sendto((word + '\n').encode(), ADDR)
    data, addr = s.recvfrom(4096)
    print(data.decode())
s.close()
