# UDP dictionary server - homework 5
import time
import socket

ADDRESS = ('172.40.91.185', 8888)
count = 0


def load_dict(path):
    result = {}
    for line in open(path, encoding='utf-8'):
        line = line.rstrip()
        if '\t' in line:
            word, meaning = line.split('\t', 1)
        elif ' ' in line:
            pos = line.index(' ')
            word, meaning = line[:pos], line[pos + 1:]
        else:
            continue
        result[word.strip()] = meaning.strip()
    return result


def handle(sock, dictionary):
    global count
    data, addr = sock.recvfrom(1024)
    word = data.decode().strip()
    count += 1
    print(time.strftime('%H:%M:%S'), addr, word)
    meaning = dictionary.get(word)
    if meaning is None:
        meaning = 'not found / 查无此词'
    sock.sendto(meaning.encode(), addr)
    print('total queries:', count)


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(ADDRESS)
    dictionary = load_dict('dict.txt')
    print('dict server started, %d words loaded' % len(dictionary))
    while True:
        handle(sock, dictionary)


if __name__ == '__main__':
    main()
