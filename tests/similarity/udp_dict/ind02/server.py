# -*- coding: utf-8 -*-
# UDP 查词服务端
import socket


def load_dict(filename):
    """读取词典文件，返回字典"""
    words = {}
    with open(filename, 'r', encoding='gbk') as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            parts = line.split(maxsplit=1)
            if len(parts) == 2:
                words[parts[0]] = parts[1]
    return words


def main():
    words = load_dict('dict.txt')
    print('词典加载完成，共%d个单词' % len(words))
    # 创建UDP套接字
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('0.0.0.0', 8888))
    print('等待客户端连接...')
    while True:
        data, addr = sock.recvfrom(1024)
        word = data.decode('gbk')
        print(addr, '查询:', word)
        if word in words:
            result = words[word]
        else:
            result = '查无此词'
        sock.sendto(result.encode('gbk'), addr)


if __name__ == '__main__':
    main()
