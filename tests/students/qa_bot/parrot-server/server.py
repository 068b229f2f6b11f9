# 先把回声服务器改成多线程，字典还没写完……
from socket import *
from threading import Thread

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦",
        "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}

def handle(conn):
    while True:
        msg = conn.recv(1024)
        if not msg:
            break
        conn.send(msg)        # TODO 查字典
    conn.close()

s = socket(AF_INET, SOCK_STREAM)
s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    Thread(target=handle, args=(conn,), daemon=True).start()
