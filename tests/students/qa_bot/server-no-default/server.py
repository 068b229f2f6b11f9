from socket import *
import threading

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}


def handle(conn):
    while True:
        q = conn.recv(1024)
        if not q:
            break
        q = q.decode()
        for key in data:
            if key in q:
                ans = data[key]
        conn.send(ans.encode())
    conn.close()


s = socket()
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    conn, addr = s.accept()
    threading.Thread(target=handle, args=(conn,)).start()
