from socket import *
from threading import Thread

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}


def handle(c):
    while True:
        msg = c.recv(1024).decode()
        if not msg:
            break
        if msg in data:  # 只有问题和关键字完全一样才回答
            c.send(data[msg].encode())
        else:
            c.send("人家还小，不知道。".encode())
    c.close()


s = socket()
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    c, addr = s.accept()
    t = Thread(target=handle, args=(c,))
    t.start()
