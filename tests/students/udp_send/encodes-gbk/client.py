from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
dest_addr = ('192.168.1.103', 8080)
send_data = input("请输入要发送的数据:")
udp_socket.sendto(send_data.encode('gbk'), dest_addr)  # 网络调试助手用 gbk
udp_socket.close()
