from socket import *

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}
server = socket(AF_INET, SOCK_STREAM)
server.bind(('0.0.0.0', 8888))
server.listen(5)
while True:
    conn, addr = server.accept()
    question = conn.recv(1024).decode()
    answer = '人家还小，不知道。'
    for key in data:
        if key in question:
            answer = data[key]
            break
    conn.send(answer.encode())
    conn.close()  # 回答一个问题就断开
