import pymysql
from socket import *

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    data, addr = s.recvfrom(4096)
    word = data.decode()
    db = pymysql.connect(host='127.0.0.1', port=3306, user='root', password='123456', db='dict')
    try:
        with db.cursor() as cur:
            cur.execute("select mean from words where word=%s", (word,))
            row = cur.fetchone()
    finally:
        db.close()
    answer = row[0] if row else '查询不到该单词'
    s.sendto(answer.encode(), addr)
