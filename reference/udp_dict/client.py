"""UDP dictionary client: sends each typed word and prints its explanation."""
from socket import AF_INET, SOCK_DGRAM, socket

ADDR = ("127.0.0.1", 8888)
client = socket(AF_INET, SOCK_DGRAM)
while True:
    try:
        word = input("单词：")
    except EOFError:
        break
    if word == "##":
        break
    client.sendto(word.encode(), ADDR)
    data, _ = client.recvfrom(65535)
    print(data.decode())
client.close()
