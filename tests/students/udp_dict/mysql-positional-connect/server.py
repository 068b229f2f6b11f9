from socket import *
import pymysql

db = pymysql.connect('localhost', 'root', '123456', 'dict', charset='utf8')
cur = db.cursor()

sockfd = socket(AF_INET, SOCK_DGRAM)
sockfd.bind(('0.0.0.0', 8888))

while True:
    data, addr = sockfd.recvfrom(1024)
    word = data.decode()
    cur.execute('select mean from words where word=%s', [word])
    r = cur.fetchone()
    if r:
        sockfd.sendto(r[0].encode(), addr)
    else:
        sockfd.sendto('没有这个单词'.encode(), addr)
