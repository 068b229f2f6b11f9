from socket import *
from threading import Thread

data = {}
with open('chat.txt', encoding='utf-8') as f:  # 问答表放在文件里
    for line in f:
        k, v = line.strip().split(':')
        data[k] = v


def handle(c):
    while True:
        q = c.recv(1024).decode()
        if not q:
            break
        for k in data:
            if k in q:
                c.send(data[k].encode())
                break
        else:
            c.send('人家还小，不知道。'.encode())
    c.close()


s = socket()
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    c, addr = s.accept()
    Thread(target=handle, args=(c,)).start()
