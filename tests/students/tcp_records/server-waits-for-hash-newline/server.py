from socket import *

server = socket(AF_INET, SOCK_STREAM)
server.bind(('0.0.0.0', 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    reader = conn.makefile('r', encoding='utf-8')  # 一行一条数据
    with open('records.txt', 'w', encoding='utf-8') as f:
        for line in reader:
            if line.strip() == '#':  # '#' 也是一行
                break
            f.write(line)
    reader.close()
    conn.close()
