from socket import *

data = ["张三  18   177", "李四  19   180", "王五  120  183"]
tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.connect(('127.0.0.1', 8888))
tcp_socket.send('\n'.join(data).encode())
tcp_socket.send(b'#')
tcp_socket.close()
