from socket import *

data = {
    "你好": "你好啊",
    "叫什么": "我叫小美",
    "几岁": "我两岁啦",
    "男生女生": "我是机器人",
    "睡了": "吸引才是最重要的"
}
sockfd = socket(AF_INET, SOCK_STREAM)
sockfd.bind(('0.0.0.0', 8888))
sockfd.listen(5)
while True:
    connfd, addr = sockfd.accept()
    print('Connect from', addr)
    while True:
        q = connfd.recv(1024)
        if not q:
            break
        q = q.decode()
        for key in data:
            if key in q:
                connfd.send(data[key].encode())
                break
        else:
            connfd.send('人家还小，不知道。'.encode())
    connfd.close()
