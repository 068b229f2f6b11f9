from socket import *

# 服务器地址
HOST = '127.0.0.1'
PORT = 8888
ADDR = (HOST, PORT)


# 加载词典
def get_dict():
    d = {}
    f = open('dict.txt', 'r', encoding='utf-8')
    for line in f:
        # 去掉换行符
        line = line.strip('\n')
        # 跳过空行
        if not line:
            continue
        tmp = line.split(None, 1)
        d[tmp[0]] = tmp[1].strip() if len(tmp) > 1 else ''
    f.close()
    return d


# 查单词
def find_word(d, word):
    if word in d:
        return d[word]
    else:
        return '没有找到该单词'


def main():
    d = get_dict()
    print('共读取', len(d), '个单词')
    # 创建套接字
    s = socket(AF_INET, SOCK_DGRAM)
    # 绑定地址
    s.bind(ADDR)
    print('服务器启动成功')
    # 循环接收
    while True:
        data, addr = s.recvfrom(1024)
        word = data.decode()
        print('客户端', addr, '查询', word)
        mean = find_word(d, word)
        # 发送结果
        s.sendto(mean.encode(), addr)
    s.close()


main()
