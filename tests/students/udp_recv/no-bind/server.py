from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
# 忘了 bind
recv_data = udp_socket.recvfrom(1024)
print(recv_data[0].decode('gbk'))
udp_socket.close()
