import socket
import threading

answers = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我2岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}


def serve(conn):
    while True:
        q = conn.recv(1024).decode('utf-8')
        if not q:
            break
        reply = "人家还小,不知道."  # 半角标点
        for k, v in answers.items():
            if k in q:
                reply = v
                break
        conn.send((reply + '\n').encode('utf-8'))
    conn.close()


sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("0.0.0.0", 8888))
sock.listen(5)
while True:
    conn, addr = sock.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
