# A path from the student's laptop (/home/tarena/...) is recreated for the program: a folder of
# the sandbox on the machine's disk, bound at /home, removed by the grader with shutil.rmtree
# when the check ends. rmtree (and pathlib's rglob) recurse once per level: a tree 3,000 levels
# deep (3,000 inodes, a few MB) passes Python's recursion limit, so the removal raises, and
# the tree stays on the machine's disk.
import ctypes, os, sys

NOTES = '/home/tarena/notes.txt'   # the literal the grader reads before the program starts
try:
    with open(NOTES, 'w') as notes:
        notes.write('hello\n')
except OSError as error:
    print(f"contained: no recreated folder ({error})", file=sys.stderr)
    sys.exit(1)
statfs = os.statvfs('/home/tarena')
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(120)
libc.statfs(b'/home/tarena', buf)
fstype = {0x01021994: 'tmpfs', 0xEF53: 'ext4'}.get(int.from_bytes(buf.raw[:8], 'little'), hex(int.from_bytes(buf.raw[:8], 'little')))
fd = os.open('/home/tarena', os.O_RDONLY)
depth = 0
try:
    for depth in range(1, 3001):
        os.mkdir('d', dir_fd=fd)
        inner = os.open('d', os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
except OSError as error:
    print(f"contained: stopped at depth {depth} ({error.strerror}) on {fstype}", file=sys.stderr)
    sys.exit(1)
os.close(fd)
print(f"attempted: a tree {depth} levels deep under /home/tarena, a folder on the machine's {fstype} "
      f"({statfs.f_blocks * statfs.f_frsize >> 30} GB file system); removal must survive it [uid {os.getuid()}]", file=sys.stderr)
sys.exit(1)
