"""TCP chat client: send typed lines, print the replies, send ## and exit."""
from socket import AF_INET, SOCK_STREAM, socket

tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.connect(("127.0.0.1", 8888))
while True:
    try:
        msg = input(">>")
    except EOFError:
        break
    tcp_socket.send(msg.encode())
    if msg == "##":
        break
    data = tcp_socket.recv(4096)
    print(f"从服务器端收到消息: {data.decode()}")
tcp_socket.close()
