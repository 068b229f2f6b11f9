from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
while True:
    send_data = input("请输入要发送的数据:")
    udp_socket.sendto(send_data.encode('utf-8'), ('192.168.236.129', 8080))
    recv_data = udp_socket.recvfrom(1024)
    print(recv_data[0].decode('gbk'), recv_data[1])
