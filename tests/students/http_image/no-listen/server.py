from socket import *

sock = socket()
sock.bind(("0.0.0.0", 8000))
connfd, addr = sock.accept()
