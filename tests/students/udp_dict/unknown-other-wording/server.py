import socket

words = {}
with open('dict.txt', 'r', encoding='utf-8') as file:
    for row in file:
        parts = row.strip().split(maxsplit=1)
        if len(parts) == 2:
            words[parts[0]] = parts[1]

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(('', 8888))
while True:
    msg, client = udp.recvfrom(2048)
    word = msg.decode().strip()
    if word in words:
        udp.sendto(words[word].encode(), client)
    else:
        udp.sendto('查询不到该单词！'.encode(), client)
