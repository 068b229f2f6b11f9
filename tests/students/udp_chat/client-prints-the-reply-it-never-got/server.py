"""UDP chat server (the course's seed code, on port 8888): print each message, reply with a
line the operator types, stop at ##."""
from socket import AF_INET, SOCK_DGRAM, socket

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(("0.0.0.0", 8888))
while True:
    data, addr = udp_socket.recvfrom(65535)
    if data == b"##":
        break
    print(f"从{addr}获取到消息: {data.decode()}")
    msg = input(">>")
    udp_socket.sendto(msg.encode(), addr)
udp_socket.close()
