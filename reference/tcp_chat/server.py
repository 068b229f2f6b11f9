"""TCP chat server (the course's seed code, on port 8888): for each client, print its
messages and reply with a line the operator types; ## ends that client's connection."""
from socket import AF_INET, SOCK_STREAM, socket

tcp_socket = socket(AF_INET, SOCK_STREAM)
tcp_socket.bind(("0.0.0.0", 8888))
tcp_socket.listen(5)
while True:
    print("等待客户端连接")
    conn, addr = tcp_socket.accept()
    while True:
        data = conn.recv(4096)
        if not data or data == b"##":
            break
        print(f"从客户端收到消息: {data.decode()}")
        msg = input(">>")
        conn.send(msg.encode())
    conn.close()
