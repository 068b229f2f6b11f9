import pymysql
from socket import *


def find(word):
    db = pymysql.connect(host='localhost', port=3306, user='root', password='123456',
                         database='dict', charset='utf8')
    cur = db.cursor()
    cur.execute("select mean from words where word=%s", [word])
    return cur.fetchone()


s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    row = find(data.decode())
    if row:
        s.sendto(row[0].encode(), addr)
    else:
        s.sendto('没有这个单词'.encode(), addr)
