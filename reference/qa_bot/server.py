"""Q&A bot server: answers each question by the first keyword it contains, several clients at
once (a thread per client), every question of a connection until the client hangs up."""
from socket import AF_INET, SO_REUSEADDR, SOCK_STREAM, SOL_SOCKET, socket
from threading import Thread

ANSWERS = {
    "你好": "你好啊",
    "叫什么": "我叫小美",
    "几岁": "我两岁啦",
    "男生女生": "我是机器人",
    "睡了": "吸引才是最重要的",
}
DEFAULT = "人家还小，不知道。"


def answer(question):
    for key, reply in ANSWERS.items():
        if key in question:
            return reply
    return DEFAULT


def handle(conn, addr):
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            question = data.decode()
            print(f"{addr}: {question}")
            conn.send(answer(question).encode())


server = socket(AF_INET, SOCK_STREAM)
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
server.bind(("0.0.0.0", 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    Thread(target=handle, args=(conn, addr), daemon=True).start()
