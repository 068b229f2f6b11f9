"""The course's first network program: send one typed line to the handout's receiver."""
from socket import AF_INET, SOCK_DGRAM, socket

udp_socket = socket(AF_INET, SOCK_DGRAM)
dest_addr = ("192.168.1.103", 8080)
send_data = input("请输入要发送的数据:")
udp_socket.sendto(send_data.encode("utf-8"), dest_addr)
udp_socket.close()
