from socket import *

c = socket(AF_INET, SOCK_STREAM)
c.connect(('127.0.0.1', 8888))
f = open('image.jpg', 'rb')
data = f.read(1024)            # 只读了前 1024 字节
c.send(data)
f.close()
c.close()
