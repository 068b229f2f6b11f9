import socket

client = socket.socket()
client.connect(("127.0.0.1", 8888))
with open("/home/tarena/下载/reba.jpeg", "rb") as picture:
    client.sendall(picture.read())
client.close()
