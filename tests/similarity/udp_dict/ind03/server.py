"""
UDP dictionary server
Reads dict.txt and answers word queries over UDP.
"""
import socket
import sys

HOST = '127.0.0.1'
PORT = 8888
BUFSIZE = 1024


class DictServer:
    def __init__(self, host, port, dict_file):
        self.address = (host, port)
        self.dict_file = dict_file
        self.table = {}
        self.sock = None

    def load(self):
        # read every line, word and meaning are separated by the first space
        try:
            with open(self.dict_file, encoding='utf-8') as fp:
                for raw in fp:
                    raw = raw.rstrip('\n')
                    if raw == '':
                        continue
                    word, sep, meaning = raw.replace('\t', ' ').partition(' ')
                    self.table[word.lower()] = meaning.strip()
        except FileNotFoundError:
            print('Cannot find', self.dict_file)
            sys.exit(1)
        print('Loaded %d words' % len(self.table))

    def lookup(self, word):
        # case-insensitive lookup
        return self.table.get(word.lower(), 'Sorry, 没有找到该单词')

    def serve_forever(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(self.address)
        print('Server listening on %s:%d' % self.address)
        while True:
            try:
                data, client = self.sock.recvfrom(BUFSIZE)
            except OSError as e:
                print('recv error:', e)
                continue
            word = data.decode('utf-8').strip()
            answer = self.lookup(word)
            print('[%s:%d] %s -> %s' % (client[0], client[1], word, answer))
            self.sock.sendto(answer.encode('utf-8'), client)


if __name__ == '__main__':
    server = DictServer(HOST, PORT, 'dict.txt')
    server.load()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print('\nServer stopped')
        server.sock.close()
