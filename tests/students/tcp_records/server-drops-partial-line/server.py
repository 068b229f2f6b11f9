from socket import *

ADDR = ('0.0.0.0', 8888)
server = socket(AF_INET, SOCK_STREAM)
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
server.bind(ADDR)
server.listen(5)

while True:
    conn, addr = server.accept()
    file = open('records.txt', 'w', encoding='utf-8')
    while True:
        data = conn.recv(1024)
        if not data:
            break
        msg = data.decode()
        # 粘包了也没事，按\n分开
        lines = msg.split('\n')
        for line in lines[:-1]:
            file.write(line + '\n')
        # 最后一段是 # 就结束
        if lines[-1] == '#':
            break
    file.close()
    conn.close()
