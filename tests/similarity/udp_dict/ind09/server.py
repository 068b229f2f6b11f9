import socket
import sys

# usage: python3 server.py [ip] [port]
if len(sys.argv) >= 3:
    IP = sys.argv[1]
    PORT = int(sys.argv[2])
else:
    IP = '0.0.0.0'
    PORT = 8888

dic = {}


def init():
    global dic
    try:
        f = open('dict.txt', encoding='gbk')  # saved with notepad on windows
    except IOError:
        print('dict.txt not found!')
        sys.exit()
    dic = dict(l.split(maxsplit=1) for l in f if len(l.split()) >= 2)
    f.close()
    for k in dic:
        dic[k] = dic[k].strip()


def serve():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((IP, PORT))
    print('listening', IP, PORT)
    try:
        while True:
            msg, cli = s.recvfrom(4096)
            key = msg.decode('utf-8').strip().lower()
            ans = dic.get(key)
            if ans:
                s.sendto(ans.encode('utf-8'), cli)
            else:
                s.sendto('查无此词'.encode('utf-8'), cli)
    except KeyboardInterrupt:
        print('bye')
    finally:
        s.close()


init()
serve()
