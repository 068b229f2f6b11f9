from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
dest_addr = ('172.40.91.185', 8888)  # 教室里同桌的电脑
send_data = input("请输入要发送的数据:")
udp_socket.sendto(send_data.encode('utf-8'), dest_addr)
udp_socket.close()
