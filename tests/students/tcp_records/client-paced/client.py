# 粘包的第二种处理方法：控制发送的速度
import time
from socket import *

data = ["张三  18   177", "李四  19   180", "王五  120  183"]

tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.connect(('127.0.0.1', 8888))
for item in data:
    tcp_socket.send(item.encode())
    time.sleep(0.2)  # 发慢一点，服务端就一次收到一条
tcp_socket.send('#'.encode())
tcp_socket.close()
