from socket import *

s = socket(AF_INET, SOCK_STREAM)
s.bind(('0.0.0.0', 8888))
s.listen(5)
while True:
    c, addr = s.accept()
    # 上传的文件统一放到 upload 文件夹
    f = open('upload/new.jpg', 'wb')
    while True:
        data = c.recv(1024)
        if not data:
            break
        f.write(data)
    f.close()
    c.close()
