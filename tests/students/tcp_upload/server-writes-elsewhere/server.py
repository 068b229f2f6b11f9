from socket import *

server = socket(AF_INET, SOCK_STREAM)
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
server.bind(('0.0.0.0', 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    f = open('../day11/20210909.jpeg', 'wb')
    while True:
        data = conn.recv(1024)
        if not data:
            break
        f.write(data)
    f.close()
    conn.close()
