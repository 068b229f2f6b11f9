"""The agent that holds a check's network namespace open and makes sockets inside it.

Started by grader/net.py as `unshare [--user --map-root-user] --net python -I -S nsagent.py FD`.
It brings `lo` up, then serves requests on the inherited unix socket FD:

    b"socket FAMILY TYPE"  -> replies b"ok" with a new socket's descriptor (SCM_RIGHTS)
    b"addr IP"             -> adds IP to lo (a classroom address a student hard-coded)

A socket keeps the namespace it was created in, so the grader's probes and reference peers
use ordinary Python sockets that live beside the student's processes; no part of the grader
has to enter the namespace itself. The agent exits when the grader closes its end.
Runs with -I -S: nothing but the standard library, started in a few milliseconds.
"""

import fcntl
import socket
import struct
import subprocess
import sys

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def bring_loopback_up():
    """`lo` up, and every port free to bind for any user (a program runs as a user of its own,
    not root, and a handout may serve on port 80): this namespace's setting, not the machine's."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | IFF_UP))
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start", "w") as setting:
            setting.write("0")
    except OSError:
        pass  # an older kernel: ports below 1024 stay root's


def add_address(ip: str) -> bytes:
    prefix = "/128" if ":" in ip else "/32"
    done = subprocess.run(["ip", "addr", "add", ip + prefix, "dev", "lo"], capture_output=True)
    if done.returncode == 0 or b"File exists" in done.stderr or b"already assigned" in done.stderr:  # iproute2, old and new
        return b"ok"
    return b"error " + done.stderr.strip()[:200]


def serve(channel: socket.socket):
    while True:
        message = channel.recv(256)
        if not message:
            return
        command, _, argument = message.partition(b" ")
        try:
            if command == b"socket":
                family, kind = (int(x) for x in argument.split())
                with socket.socket(family, kind) as sock:
                    socket.send_fds(channel, [b"ok"], [sock.fileno()])
            elif command == b"addr":
                channel.send(add_address(argument.decode()))
            else:
                channel.send(b"error unknown command")
        except OSError as exc:
            channel.send(b"error " + str(exc).encode()[:200])


def main():
    channel = socket.socket(fileno=int(sys.argv[1]))
    try:
        bring_loopback_up()
    except OSError as exc:
        channel.send(b"error lo: " + str(exc).encode())
        return
    channel.send(b"ready")
    serve(channel)


if __name__ == "__main__":
    main()
