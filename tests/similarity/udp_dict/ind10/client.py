from socket import *

client = socket(AF_INET, SOCK_DGRAM)
addr = ('127.0.0.1', 8888)

word = input('Word:')
while word != '##':
    client.sendto(word.encode('utf-8'), addr)
    data, server = client.recvfrom(1024)
    print('%s: %s' % (word, data.decode('utf-8')))
    word = input('Word:')
client.close()
