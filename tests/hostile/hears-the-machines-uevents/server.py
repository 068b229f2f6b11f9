# Netlink is allowed (the C library asks for the machine's addresses with it), but not every
# netlink: the kernel's device events and inotify on the folders every check shares (the
# Python's standard library, /etc) tell a program what happens elsewhere on the machine.
import ctypes, socket, sys

heard = []
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 15).close()  # NETLINK_KOBJECT_UEVENT
    heard.append("device events")
except OSError as error:
    refused = error.strerror
if ctypes.CDLL(None, use_errno=True).inotify_init1(0) >= 0:
    heard.append("inotify")
if heard:
    print("ESCAPED: it can hear", ", ".join(heard), file=sys.stderr)
else:
    print(f"contained: no device events ({refused}), no inotify", file=sys.stderr)
sys.exit(1)
