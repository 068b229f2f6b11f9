from socket import *

server = socket(AF_INET, SOCK_DGRAM)
server.bind(('', 8888))
print('词典服务器启动...')

while True:
    data, addr = server.recvfrom(1024)
    word = data.decode('utf-8')
    result = '没有找到该单词'
    # 每次查询都打开文件查找
    fd = open('dict.txt', encoding='utf-8')
    for line in fd:
        tmp = line.split(' ')
        if tmp[0] == word:
            result = ' '.join(tmp[1:]).strip()
            break
        # 词典是按字母排序的，超过了就不用找了
        if tmp[0] > word:
            break
    fd.close()
    server.sendto(result.encode('utf-8'), addr)
