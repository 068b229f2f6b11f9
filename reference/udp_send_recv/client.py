"""Send a typed line, wait for one answer (GBK, from a Windows tool), print it and its sender."""
from socket import AF_INET, SOCK_DGRAM, socket

udp_socket = socket(AF_INET, SOCK_DGRAM)
dest_addr = ("192.168.236.129", 8080)
send_data = input("请输入要发送的数据:")
udp_socket.sendto(send_data.encode("utf-8"), dest_addr)
recv_data = udp_socket.recvfrom(1024)
print(recv_data[0].decode("gbk"))
print(recv_data[1])
udp_socket.close()
