import socket


def main():
    # 服务器地址
    server_addr = ('127.0.0.1', 8888)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    while True:
        word = input('请输入单词(直接回车退出):')
        if not word:
            break
        sock.sendto(word.encode('gbk'), server_addr)
        data, _ = sock.recvfrom(1024)
        print('释义:', data.decode('gbk'))
    sock.close()
    print('再见')


if __name__ == '__main__':
    main()
