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
    mean = cur.fetchone()[0]
    s.sendto(mean.encode(), addr)
