from socket import *

server = socket(AF_INET, SOCK_STREAM)
server.bind(('0.0.0.0', 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    with open('records.txt', 'w', encoding='utf-8') as f:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            msg = data.decode().strip()
            if msg.endswith('#'):
                f.write(msg[:-1].strip())
                break
            f.write(msg)  # 直接写入
    conn.close()
