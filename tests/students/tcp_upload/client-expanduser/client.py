from socket import *
import os

# ~ 代表家目录
img = os.path.expanduser('~/图片/wallpaper.png')

s = socket(AF_INET, SOCK_STREAM)
s.connect(('127.0.0.1', 8888))
with open(img, 'rb') as f:
    s.sendall(f.read())
s.close()
print('ok')
