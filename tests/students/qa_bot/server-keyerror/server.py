from socket import *
from threading import Thread

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}


def handle(connfd):
    while True:
        q = connfd.recv(1024).decode()
        if not q:
            break
        connfd.send(data[q].encode())  # 直接用问题查字典
    connfd.close()


s = socket()
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    connfd, addr = s.accept()
    Thread(target=handle, args=(connfd,)).start()
