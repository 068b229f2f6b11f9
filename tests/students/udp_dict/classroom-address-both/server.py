"""UDP dictionary server: answers each word with its explanation from dict.txt."""
from socket import AF_INET, SOCK_DGRAM, socket

words = {}
with open("dict.txt", encoding="utf-8") as f:
    for line in f:
        word, _, meaning = line.strip().partition(" ")
        if word:
            words[word] = meaning.strip()

server = socket(AF_INET, SOCK_DGRAM)
server.bind(("172.40.91.185", 8888))
while True:
    data, addr = server.recvfrom(65535)
    word = data.decode("utf-8", "replace").strip()
    server.sendto(words.get(word, "没有这个单词").encode(), addr)
