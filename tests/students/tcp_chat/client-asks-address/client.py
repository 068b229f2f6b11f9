from socket import *

server_ip = input('input server ip:')
server_port = int(input('input server port:'))
tcp_client = socket(AF_INET, SOCK_STREAM)
tcp_client.connect((server_ip, server_port))
while True:
    msg = input('>>')
    tcp_client.send(msg.encode())
    if msg == '##':
        break
    data = tcp_client.recv(1024)
    print('从服务器端收到消息:', data.decode())
tcp_client.close()
