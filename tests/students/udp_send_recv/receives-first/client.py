from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
dest_addr = ('192.168.236.129', 8080)
recv_data = udp_socket.recvfrom(1024)  # 先接收再发送
send_data = input("请输入要发送的数据:")
udp_socket.sendto(send_data.encode('utf-8'), dest_addr)
print(recv_data[0].decode('gbk'))
udp_socket.close()
