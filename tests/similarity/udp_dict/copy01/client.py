import socket

IP = '127.0.0.1'
PORT_NUM = 8888


class WordAsker:
    def __init__(self, ip, port):
        self.target = (ip, port)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.settimeout(3)

    def ask(self, w):
        # send, then wait up to 3 seconds
        self.udp.sendto(w.encode('utf-8'), self.target)
        try:
            msg, _ = self.udp.recvfrom(1024)
        except socket.timeout:
            return 'No response from server'
        return msg.decode('utf-8')

    def loop(self):
        print('Type a word to look it up, ## to quit')
        while True:
            w = input('>>> ').strip()
            if w == '##':
                break
            if not w:
                continue
            print(self.ask(w))
        self.udp.close()
        print('Bye')


if __name__ == '__main__':
    WordAsker(IP, PORT_NUM).loop()
