"""
UDP dictionary client
"""
import socket

HOST = '127.0.0.1'
PORT = 8888


class DictClient:
    def __init__(self, host, port):
        self.server = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(3)

    def query(self, word):
        # send the word and wait for the meaning
        self.sock.sendto(word.encode('utf-8'), self.server)
        try:
            data, _ = self.sock.recvfrom(1024)
        except socket.timeout:
            return 'No response from server'
        return data.decode('utf-8')

    def run(self):
        print('Type a word to look it up, ## to quit')
        while True:
            word = input('>>> ').strip()
            if word == '##':
                break
            if not word:
                continue
            print(self.query(word))
        self.sock.close()
        print('Bye')


if __name__ == '__main__':
    DictClient(HOST, PORT).run()
