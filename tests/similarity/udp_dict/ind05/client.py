# coding=utf-8
"""UDP英汉词典 客户端 (带菜单)"""
from socket import socket, AF_INET, SOCK_DGRAM, timeout

SERVER = ('127.0.0.1', 8888)
history = []


def show_menu():
    print('=' * 30)
    print('      英 汉 词 典')
    print('  1. 查询单词')
    print('  2. 查看历史记录')
    print('  3. 退出')
    print('=' * 30)


def query_loop(udp):
    print('输入 ## 返回主菜单')
    while True:
        word = input('单词: ').strip()
        if word == '##':
            break
        if not word:
            continue
        udp.sendto(word.encode('utf-8'), SERVER)
        try:
            data, addr = udp.recvfrom(2048)
        except timeout:
            print('服务器无响应，请稍后再试')
            continue
        answer = data.decode('utf-8')
        history.append(answer)
        print(answer)


def show_history():
    if not history:
        print('暂无查询记录')
        return
    for i, item in enumerate(history, 1):
        print(i, item)


def main():
    udp = socket(AF_INET, SOCK_DGRAM)
    udp.settimeout(5)
    while True:
        show_menu()
        choice = input('请选择(1-3): ').strip()
        if choice == '1':
            query_loop(udp)
        elif choice == '2':
            show_history()
        elif choice == '3':
            print('谢谢使用!')
            break
        else:
            print('输入有误，请重新选择')
    udp.close()


if __name__ == '__main__':
    main()
