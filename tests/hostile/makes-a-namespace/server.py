# Inside a user namespace of its own a program is root again: it could mount a control-group
# hierarchy and raise its own limits, or remount its view. Every way to get one is tried.
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
NEWUSER, NEWNS, NEWNET, NEWPID = 0x10000000, 0x20000, 0x40000000, 0x20000000
made = []
for name, flags in (("user", NEWUSER), ("mount", NEWNS), ("user+mount", NEWUSER | NEWNS), ("network", NEWNET)):
    if libc.unshare(flags) == 0:
        made.append(f"unshare({name})")
SYS_CLONE = {"x86_64": 56, "aarch64": 220}[os.uname().machine]
pid = libc.syscall(SYS_CLONE, NEWUSER | 17, 0, 0, 0, 0)  # SIGCHLD
if pid == 0:
    os._exit(0)
if pid > 0:
    os.waitpid(pid, 0)
    made.append("clone(CLONE_NEWUSER)")
fd = os.open("/proc/1/ns/mnt", os.O_RDONLY) if os.path.exists("/proc/1/ns/mnt") else -1
if fd >= 0 and libc.setns(fd, 0) == 0:
    made.append("setns")
SYS_MOUNT = {"x86_64": 165, "aarch64": 40}[os.uname().machine]
os.makedirs("cg", exist_ok=True)
if libc.syscall(SYS_MOUNT, b"cgroup", b"cg", b"cgroup", 0, b"pids") == 0:
    made.append("mounted cgroup")
if made:
    print("ESCAPED:", ", ".join(made), file=sys.stderr)
    open("/tmp/netgrader-hostile-made-a-namespace", "w").write("x")
else:
    print("contained: no namespace, no mount", file=sys.stderr)
sys.exit(1)
