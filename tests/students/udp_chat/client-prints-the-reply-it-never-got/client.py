"""UDP chat client, the screen first: the socket part is still to be written (commented out),
so it prints the conversation it expects instead of the one it has."""
# from socket import AF_INET, SOCK_DGRAM, socket
# udp_socket = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input(">>")
    except EOFError:
        break
    # udp_socket.sendto(msg.encode(), ("127.0.0.1", 8888))
    if msg == "##":
        break
    print("从服务器端收到消息: 收到消息")
