"""UDP echo client: sends each typed line, prints the reply; stops at ## or end of input."""
from socket import AF_INET, SOCK_DGRAM, socket

ADDR = ("127.0.0.1", 8888)
client = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        msg = input(">>")
    except EOFError:
        break
    if msg == "##":
        break
    client.sendto(msg.encode(), ADDR)
    data, _ = client.recvfrom(65535)
    print(data.decode())
client.close()
