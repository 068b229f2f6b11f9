from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
send_data = input("请输入要发送的数据:")
udp_socket.sendto(send_data, ('192.168.1.103', 8080))
udp_socket.close()
