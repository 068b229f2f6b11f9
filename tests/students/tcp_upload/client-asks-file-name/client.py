import socket

name = input('请输入要上传的文件名:')
sock = socket.socket()
sock.connect(('127.0.0.1', 8888))
with open(name, 'rb') as f:
    sock.sendall(f.read())
sock.close()
print('上传完成')
