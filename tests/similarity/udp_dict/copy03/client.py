# UDP dictionary client - homework 5
import socket

SERVER_ADDR = ('172.40.91.185', 8888)


def send_word(client, text):
    client.sendto(text.encode(), SERVER_ADDR)
    resp, srv = client.recvfrom(1024)
    return resp.decode()


def main():
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    while True:
        text = input('word: ')
        if text == '##':
            break
        print(send_word(client, text))
    client.close()


if __name__ == '__main__':
    main()
