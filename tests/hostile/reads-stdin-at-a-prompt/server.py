# An honest beginner's client: shows a prompt the exercise answers (the server's address), then
# reads all of standard input at once. The grader typed its answer for ever, at 99% CPU.
import socket, sys

print("server ip: ", end="", flush=True)
text = sys.stdin.read()
client = socket.socket()
client.connect(("127.0.0.1", 8888))
for line in text.splitlines():
    client.send(line.encode())
client.close()
