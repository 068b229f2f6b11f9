"""The bind lesson: receive one datagram on UDP 7788 and print its text (the sender speaks GBK)."""
from socket import AF_INET, SOCK_DGRAM, socket

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(("", 7788))
recv_data = udp_socket.recvfrom(1024)
print(recv_data[0].decode("gbk"))
udp_socket.close()
