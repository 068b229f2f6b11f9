from socket import *
import struct
import os

# 先发文件大小（8字节），再发文件
c = socket(AF_INET, SOCK_STREAM)
c.connect(('127.0.0.1', 8888))
size = os.path.getsize('image.jpg')
c.send(struct.pack('!Q', size))
with open('image.jpg', 'rb') as f:
    c.sendall(f.read())
c.close()
print('发送完成')
