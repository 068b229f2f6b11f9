"""The course's usual dictionary server: the words are in MySQL (database dict, table words)."""
import pymysql
from socket import *

db = pymysql.connect(host='localhost', port=3306, user='root', password='123456',
                     database='dict', charset='utf8')
cur = db.cursor()

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    word = data.decode()
    cur.execute("select mean from words where word=%s", [word])
    row = cur.fetchone()
    if row:
        s.sendto(row[0].encode(), addr)
    else:
        s.sendto('没有这个单词'.encode(), addr)
