"""Q&A bot client: asks each line typed, prints each answer; an empty line or the end of
input ends it."""
from socket import AF_INET, SOCK_STREAM, socket

client = socket(AF_INET, SOCK_STREAM)
client.connect(("127.0.0.1", 8888))
while True:
    try:
        question = input("问题：")
    except EOFError:
        break
    if not question:
        break
    client.send(question.encode())
    print(client.recv(1024).decode())
client.close()
