from socket import *
import pymysql

db = pymysql.connect(host='localhost', port=3306, user='root', password='123456',
                     database='dict', charset='utf8')
cur = db.cursor()

s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))

while True:
    data, addr = s.recvfrom(4096)
    try:
        word = data.decode()
        cur.execute('select mean from word where word=%s', [word])
        r = cur.fetchone()
        if r:
            s.sendto(r[0].encode(), addr)
        else:
            s.sendto('没有这个单词'.encode(), addr)
    except:
        continue
