from socket import *

s = socket(AF_INET, SOCK_DGRAM)
while True:
    data = input("请输入要发送的数据:")
    s.sendto(data.encode('utf-8'), ('192.168.1.103', 8080))
