# The filter refuses socket(AF_VSOCK / AF_PACKET / AF_KEY / AF_ALG) by comparing the whole
# 64-bit first argument with the family number. The kernel reads that argument as an int:
# a family with a bit set above the low 32 passes the filter and is still that family.
# Creates the socket only: nothing is ever connected or sent.
import ctypes, errno, os, socket, sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SYS_SOCKET = 41
FAMILIES = {"AF_VSOCK": (40, socket.SOCK_STREAM), "AF_PACKET": (17, socket.SOCK_DGRAM),
            "AF_KEY": (15, 3), "AF_ALG": (38, socket.SOCK_SEQPACKET)}
got, report = [], []
for name, (family, kind) in FAMILIES.items():
    results = []
    for label, value in (("plain", family), ("high bits", (1 << 32) | family)):
        fd = libc.syscall(ctypes.c_long(SYS_SOCKET), ctypes.c_long(value), ctypes.c_long(kind), ctypes.c_long(0))
        err = ctypes.get_errno()
        if fd >= 0:
            extra = ""
            if family == 40:
                # IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock: the machine's own vsock address
                import fcntl, struct
                try:
                    with open("/dev/vsock", "rb") as dev:
                        cid = struct.unpack("I", fcntl.ioctl(dev, 0x7b9, b"\0" * 4))[0]
                        extra = f" (local CID {cid})"
                except OSError as e:
                    extra = f" (no /dev/vsock: {e.strerror})"
                sock = socket.socket(fileno=fd)
                extra += f" family={sock.family!r}"
                sock.close()
            else:
                os.close(fd)
            results.append(f"{label}: socket fd{extra}")
            if label == "high bits":
                got.append(f"{name} socket through the filter{extra}")
        else:
            results.append(f"{label}: {errno.errorcode.get(err, err)}")
    report.append(f"{name} [{'; '.join(results)}]")
if got:
    print("ESCAPED:", ", ".join(got), "--", " | ".join(report), file=sys.stderr)
else:
    print("contained:", " | ".join(report), file=sys.stderr)
sys.exit(1)
