"""The course's UDP chat with a menu: 1 sends a typed message to a typed address, 2 receives one."""
import socket


def send_msg(udp_socket):
    dest_ip = input("对方ip:")
    dest_port = int(input("对方端口:"))
    msg = input("消息:")
    udp_socket.sendto(msg.encode("utf-8"), (dest_ip, dest_port))


def recv_msg(udp_socket):
    data, address = udp_socket.recvfrom(1024)
    print(">>>%s:%s" % (str(address), data.decode("utf-8")))


def main():
    udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp_socket.bind(("", 7890))
    while True:
        print("=" * 30)
        print("1:发送消息")
        print("2:接收消息")
        print("=" * 30)
        try:
            op_num = input("请输入要操作的功能序号:")
        except EOFError:
            break
        if op_num == "1":
            send_msg(udp_socket)
        elif op_num == "2":
            recv_msg(udp_socket)
        else:
            print("输入有误，请重新输入...")
    udp_socket.close()


if __name__ == "__main__":
    main()
