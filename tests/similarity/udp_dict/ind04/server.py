# 电子词典 服务端
# 作者: 张三
from socket import *

# 读取词典到列表
cidian = []
f = open('dict.txt', 'r', encoding='utf-8')
for hang in f.readlines():
    hang = hang.strip()
    if hang != '':
        cidian.append(hang)
f.close()


def chaxun(danci):
    for hang in cidian:
        tmp = hang.split()
        if tmp[0] == danci:
            return ' '.join(tmp[1:])
    return '查无此词'


fuwuqi = socket(AF_INET, SOCK_DGRAM)
fuwuqi.bind(('172.40.91.185', 8888))
print('服务器已启动，端口8888')

while True:
    shuju, dizhi = fuwuqi.recvfrom(1024)
    danci = shuju.decode()
    print('收到来自', dizhi, '的单词:', danci)
    fanyi = chaxun(danci)
    fuwuqi.sendto(fanyi.encode(), dizhi)

fuwuqi.close()
