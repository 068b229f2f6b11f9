import socket
import sys

ip = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = 8888

c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(2)

try:
    while True:
        q = input('> ')
        if q == '##' or q == '':
            break
        c.sendto(q.encode('utf-8'), (ip, port))
        try:
            r, _ = c.recvfrom(4096)
            print(r.decode('utf-8'))
        except socket.timeout:
            print('timeout, is the server running?')
except (KeyboardInterrupt, EOFError):
    pass
c.close()
