"""TCP upload client: sends image.jpg to the server and closes."""
from socket import AF_INET, SOCK_STREAM, socket

client = socket(AF_INET, SOCK_STREAM)
client.connect(("127.0.0.1", 8888))
with open("image.jpg", "rb") as f:
    client.sendall(f.read())
client.close()
