from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
c, addr = s.accept()  # 只接待一个客户端
buf = b''
with open('records.txt', 'w') as f:
    while True:
        data = c.recv(1024)
        if not data:
            break
        buf += data
        if buf.endswith(b'#'):
            break
    for line in buf.decode().split('\n'):
        if line.strip() and line.strip() != '#':
            f.write(line + '\n')
c.close()
s.close()
