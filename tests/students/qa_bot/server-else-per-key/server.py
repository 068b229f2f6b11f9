from socket import *
from threading import Thread

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}


def chat(conn):
    while True:
        question = conn.recv(1024).decode()
        if not question:
            break
        for k in data:
            if k in question:
                conn.send(data[k].encode())
            else:
                conn.send("人家还小，不知道。".encode())  # 每个不匹配的关键字都回答一次
    conn.close()


server = socket(AF_INET, SOCK_STREAM)
server.bind(('0.0.0.0', 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    Thread(target=chat, args=(conn,), daemon=True).start()
