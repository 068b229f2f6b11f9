from socket import *

s = socket()
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    c, addr = s.accept()
    f = open('records.txt', 'w')
    rest = ''
    while True:
        data = c.recv(1024).decode()  # 每次收到就解码
        if not data:
            break
        rest += data
        lines = rest.split('\n')
        rest = lines.pop()
        for line in lines:
            f.write(line + '\n')
        if rest == '#':
            break
    f.close()
    c.close()
