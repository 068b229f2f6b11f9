from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
msg = input('>>')
udp_socket.sendto(msg.encode(), ('127.0.0.1', 8888))
data, addr = udp_socket.recvfrom(1024)
print('收到服务器的回复:', data.decode())
udp_socket.close()
