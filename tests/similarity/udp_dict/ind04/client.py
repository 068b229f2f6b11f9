from socket import *

kehuduan = socket(AF_INET, SOCK_DGRAM)
dizhi = ('172.40.91.185', 8888)
flag = True
while flag:
    danci = input('请输入要查询的单词(##退出):')
    if danci == '##':
        flag = False
    else:
        kehuduan.sendto(danci.encode(), dizhi)
        fanyi, addr = kehuduan.recvfrom(1024)
        print(danci, ':', fanyi.decode())
kehuduan.close()
