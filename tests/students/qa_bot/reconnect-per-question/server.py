from socket import *
from threading import Thread

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}


def handle(conn):
    question = conn.recv(1024).decode()
    answer = '人家还小，不知道。'
    for key in data:
        if key in question:
            answer = data[key]
    conn.send(answer.encode())
    conn.close()  # 一问一答，客户端每次提问重新连接


s = socket()
s.bind(('0.0.0.0', 8888))
s.listen(10)
while True:
    c, addr = s.accept()
    Thread(target=handle, args=(c,), daemon=True).start()
