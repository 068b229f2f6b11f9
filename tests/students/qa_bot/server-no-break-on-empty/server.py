from socket import *
from threading import Thread

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}


def handle(conn):
    while True:
        q = conn.recv(1024).decode()
        if q == '':
            continue  # 没收到就继续等
        for key in data:
            if key in q:
                conn.send(data[key].encode())
                break
        else:
            conn.send("人家还小，不知道。".encode())


sock = socket(AF_INET, SOCK_STREAM)
sock.bind(('0.0.0.0', 8888))
sock.listen(5)
while True:
    conn, addr = sock.accept()
    Thread(target=handle, args=(conn,), daemon=True).start()
