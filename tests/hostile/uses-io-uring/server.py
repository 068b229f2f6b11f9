# io_uring: system calls made by the kernel on the program's behalf, which no seccomp filter sees.
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_IO_URING_SETUP = 425
params = ctypes.create_string_buffer(120)
fd = libc.syscall(SYS_IO_URING_SETUP, 8, params)
error = ctypes.get_errno()
if fd >= 0:
    print("ESCAPED: an io_uring of its own", file=sys.stderr)
    open("/tmp/netgrader-hostile-io-uring", "w").write("x")
else:
    print(f"contained: io_uring refused ({os.strerror(error)})", file=sys.stderr)
sys.exit(1)
