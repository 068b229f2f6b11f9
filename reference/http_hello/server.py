"""HTTP hello world: answers every request with a small text/html page, one after another."""
from socket import AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, socket

sock = socket(AF_INET, SOCK_STREAM)
sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
sock.bind(("0.0.0.0", 8000))
sock.listen(5)
body = "<html><body>hello world</body></html>".encode()
while True:
    connfd, addr = sock.accept()
    request = connfd.recv(4096)
    print(request.decode("iso-8859-1"))
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    connfd.sendall(head.encode() + body)
    connfd.close()
