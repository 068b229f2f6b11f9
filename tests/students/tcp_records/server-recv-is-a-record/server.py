from socket import *

s = socket()
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    f = open('records.txt', 'w', encoding='utf-8')
    while True:
        data = conn.recv(1024).decode()  # 以为每次 recv 收到的就是一条数据
        if not data or data == '#':
            break
        f.write(data.strip() + '\n')
    f.close()
    conn.close()
