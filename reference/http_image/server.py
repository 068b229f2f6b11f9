"""HTTP image server: answers every request with image.jpg, as image/jpeg, and closes."""
from socket import AF_INET, SO_REUSEADDR, SOCK_STREAM, SOL_SOCKET, socket

sock = socket(AF_INET, SOCK_STREAM)
sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
sock.bind(("0.0.0.0", 8000))
sock.listen(5)
while True:
    connfd, addr = sock.accept()
    request = connfd.recv(4096)
    print(request.decode(errors="replace").split("\r\n")[0], "from", addr)
    with open("image.jpg", "rb") as f:
        body = f.read()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {len(body)}\r\n\r\n"
    connfd.sendall(head.encode() + body)
    connfd.close()
