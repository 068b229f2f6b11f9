from socket import *

data = [
    "张三  18   177",
    "李四  19   180",
    "王五  120  183"
]
s = socket()
s.connect(('127.0.0.1', 8888))
for item in data:
    s.send(item.encode())
s.send('#'.encode())
s.close()
