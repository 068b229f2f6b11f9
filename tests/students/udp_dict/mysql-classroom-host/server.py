import socket
import pymysql as db

HOST = '0.0.0.0'
PORT = 8888
ADDR = (HOST, PORT)


def do_query(word):
    # 每次查询都连接数据库, 查完关闭
    conn = db.connect(host='172.40.91.185', port=3306, user='root',
                      password='123456', database='dict', charset='utf8')
    cursor = conn.cursor()
    sql = 'select mean from words where word=%s'
    cursor.execute(sql, [word])
    data = cursor.fetchone()
    cursor.close()
    conn.close()
    if data:
        return data[0]
    return '没有这个单词'


def main():
    sockfd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sockfd.bind(ADDR)
    while True:
        data, addr = sockfd.recvfrom(4096)
        mean = do_query(data.decode())
        sockfd.sendto(mean.encode(), addr)


if __name__ == '__main__':
    main()
