from socket import *


# server address
HOST = '127.0.0.1'
PORT = 8888
ADDR = ( HOST, PORT )
# create socket
s = socket( AF_INET, SOCK_DGRAM )
# send in a loop
while True:
  word = input( 'Enter a word: ' )
  # type ## to quit
  if word == '##':
    print( 'Quit.' )
    break
  s.sendto( word.encode(), ADDR )
  data, addr = s.recvfrom( 1024 )
  print( 'Meaning:', data.decode() )
# close socket
s.close()
