# UDP dictionary client - homework 5
import socket

ADDRESS = ('172.40.91.185', 8888)


def send_word(sock, word):
    sock.sendto(word.encode(), ADDRESS)
    data, addr = sock.recvfrom(1024)
    return data.decode()


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    while True:
        word = input('word: ')
        if word == '##':
            break
        print(send_word(sock, word))
    sock.close()


if __name__ == '__main__':
    main()
