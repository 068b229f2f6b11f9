"""TCP records client: sends each record on a line of its own, then '#', and closes."""
from socket import AF_INET, SOCK_STREAM, socket

data = ["张三  18   177", "李四  19   180", "王五  120  183"]

client = socket(AF_INET, SOCK_STREAM)
client.connect(("127.0.0.1", 8888))
for record in data:
    client.send((record + "\n").encode())
client.send(b"#")
client.close()
