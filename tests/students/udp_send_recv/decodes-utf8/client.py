from socket import *

s = socket(AF_INET, SOCK_DGRAM)
msg = input("请输入要发送的数据:")
s.sendto(msg.encode(), ('192.168.236.129', 8080))
data, addr = s.recvfrom(1024)
print(data.decode())
print(addr)
s.close()
