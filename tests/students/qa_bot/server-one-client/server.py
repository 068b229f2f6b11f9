from socket import *

data = {"你好": "你好啊", "叫什么": "我叫小美", "几岁": "我两岁啦", "男生女生": "我是机器人", "睡了": "吸引才是最重要的"}
s = socket()
s.bind(('0.0.0.0', 8888))
s.listen(5)
c, addr = s.accept()
while True:
    q = c.recv(1024).decode()
    if not q:
        break
    for k in data:
        if k in q:
            c.send(data[k].encode())
            break
    else:
        c.send('人家还小，不知道。'.encode())
c.close()
s.close()
