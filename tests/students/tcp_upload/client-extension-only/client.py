from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.connect(('127.0.0.1', 8888))
f = open('.jpeg', 'rb')  # 图片自选
while True:
    data = f.read(1024)
    if not data:
        break
    s.send(data)
f.close()
s.close()
