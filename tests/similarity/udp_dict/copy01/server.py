import socket
import sys

IP = '127.0.0.1'
PORT_NUM = 8888
SIZE = 1024


class WordService:
    # dictionary service object
    def __init__(self, ip, port, filename):
        self.addr = (ip, port)
        self.filename = filename
        self.words = {}
        self.udp = None

    def read_words(self):
        try:
            with open(self.filename, encoding='utf-8') as f:
                for ln in f:
                    ln = ln.rstrip('\n')
                    if ln == '':
                        continue
                    key, _, value = ln.replace('\t', ' ').partition(' ')
                    self.words[key.lower()] = value.strip()
        except FileNotFoundError:
            print('Cannot find', self.filename)
            sys.exit(1)
        print('Loaded %d words' % len(self.words))

    def find(self, w):
        return self.words.get(w.lower(), 'Sorry, 没有找到该单词')

    def start(self):
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(self.addr)
        print('Server listening on %s:%d' % self.addr)
        while True:
            try:
                msg, peer = self.udp.recvfrom(SIZE)
            except OSError as err:
                print('recv error:', err)
                continue
            w = msg.decode('utf-8').strip()
            result = self.find(w)
            print('[%s:%d] %s -> %s' % (peer[0], peer[1], w, result))
            self.udp.sendto(result.encode('utf-8'), peer)


if __name__ == '__main__':
    svc = WordService(IP, PORT_NUM, 'dict.txt')
    svc.read_words()
    try:
        svc.start()
    except KeyboardInterrupt:
        print('\nServer stopped')
        svc.udp.close()
