from socket import *

path = '../day13/test_pool/三吉彩花.jpg'
sock = socket(AF_INET, SOCK_STREAM)
sock.connect(('127.0.0.1', 8888))
with open(path, 'rb') as f:
    while True:
        chunk = f.read(4096)
        if not chunk:
            break
        sock.send(chunk)
sock.close()
