"""TCP upload server: saves each client's bytes as new.jpg, one client after another."""
from socket import AF_INET, SOCK_STREAM, socket

server = socket(AF_INET, SOCK_STREAM)
server.bind(("0.0.0.0", 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    with open("new.jpg", "wb") as f:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            f.write(data)
    conn.close()
    print(f"saved new.jpg from {addr}")
