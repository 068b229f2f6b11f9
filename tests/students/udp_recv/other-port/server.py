from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(('', 8080))
recv_data = udp_socket.recvfrom(1024)
print(recv_data[0].decode('gbk'))
udp_socket.close()
