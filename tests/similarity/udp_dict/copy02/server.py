from socket import *
# server address
HOST='127.0.0.1'
PORT=8888
ADDR=(HOST,PORT)
# load the dictionary file
def get_dict():
  d={}
  f=open('dict.txt','r',encoding='utf-8')
  for line in f:
    # strip the newline
    line=line.strip('\n')
    # skip empty lines
    if not line:
      continue
    tmp=line.split(None,1)
    d[tmp[0]]=tmp[1].strip() if len(tmp)>1 else ''
  f.close()
  return d

# look up a word
def find_word(d,word):
  if word in d:
    return d[word]
  else:
    return '没有找到该单词'

def main():
  d=get_dict()
  print('Dictionary loaded, words:',len(d))
  # create the socket
  s=socket(AF_INET,SOCK_DGRAM)
  # bind the address
  s.bind(ADDR)
  print('Server is running...')
  # receive in a loop
  while True:
    data,addr=s.recvfrom(1024)
    word=data.decode()
    mean=find_word(d,word)
    print('Query from',addr,':',word)
    # send the result back
    s.sendto(mean.encode(),addr)
  s.close()

main()
