from socket import *

c = socket(AF_INET, SOCK_STREAM)
c.connect(('127.0.0.1', 8888))
f = open('image.jpg', 'r')     # 文本模式读图片
data = f.read()
c.send(data.encode())
f.close()
c.close()
