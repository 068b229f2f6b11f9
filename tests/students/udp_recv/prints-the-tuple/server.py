from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(('', 7788))
recv_data = udp_socket.recvfrom(1024)
print(recv_data)
udp_socket.close()
