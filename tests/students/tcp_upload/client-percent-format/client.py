from socket import *

filename = 'timg.jpg'
s = socket(AF_INET, SOCK_STREAM)
s.connect(('127.0.0.1', 8888))
f = open('/home/tarena/图片/%s' % filename, 'rb')
while True:
    data = f.read(1024)
    if not data:
        break
    s.send(data)
f.close()
s.close()
print('%s 上传完成' % filename)
