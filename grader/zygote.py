"""The fork server: a warm students' Python that starts each student program as a fork of itself.

Why: a program started the usual way (bubblewrap, then a fresh Python that loads the spy and
imports socket) costs about 27 ms of CPU, a dozen times a grading: most of what a grading
costs. This process is started once per grader process (grader/forkserver.py), on the
students' Python with the spy and socket loaded. For each program it makes the sandbox itself
(the view bubblewrap makes, a PID namespace, the check's network) and forks the program from
itself: about 7 ms. Root only (it mounts). It runs outside the grader's package and imports
nothing of it.

Three processes a program:
  setup    a fork of this server: joins the check's network namespace, unshares the mount and
           PID namespaces, forks `init`, tells the server init's PID and ends. init is then
           handed to the grader (the subreaper), which waits for it as for a child it started.
  init     PID 1 of the new namespace: makes the view, waits until the grader has put it under
           the check's limits (a byte on the go pipe), forks the program, and ends with its
           status as bubblewrap does (a signal N as 128 + N); the kernel then kills whatever
           else is left in the namespace. It also ends when the grader dies (the lifeline).
  program  stdio, environment, the check's user (no capabilities), the system-call filter, the
           spy armed, then the script as `__main__`, as `python -u script` would run it, with
           Python's own exit.

Requests arrive on the control socket (SOCK_SEQPACKET) as marshal'd dicts, with the program's
file descriptors attached: stdin, stdout, stderr, the spy's events, the go pipe and, when the
check has one, its network namespace. The answer is {"pid": init} or {"error": text}.
"""

import sys

FRESH = set(sys.modules)  # what any Python has loaded before its script runs

import ctypes  # noqa: E402
import gc  # noqa: E402
import marshal  # noqa: E402
import os  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402, F401  (with socket, time and weakref: what the spy loads in every program)
import time  # noqa: E402, F401
import weakref  # noqa: E402, F401

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWIPC = 0x20000, 0x40000000, 0x20000000, 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_NAME, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, SECCOMP_MODE_FILTER = 15, 22, 24, 38, 2
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(os.uname().machine)
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
MAX_FDS = 8

libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target, fstype, flags, data=None):
    _check(libc.mount(source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
                      flags, data.encode() if data else None), f"mount {target}")


def _bind(source, target, writable=False, device=False):
    """`source` shown at `target` (made first: a folder, or an empty file for a file)."""
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    elif not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
    _mount(source, target, None, MS_BIND | MS_REC)
    # never a setuid file, nor a device but the one bound (a host user could run what a program left)
    flags = MS_NOSUID | (0 if device else MS_NODEV) | (0 if writable else MS_RDONLY)
    _mount(None, target, None, MS_BIND | MS_REMOUNT | flags)
    if not writable:  # read-only to the last submount (a file bound over /etc/hosts by a container)
        for mount, options in _mounts_under(target):
            kept = sum(flag for name, flag in (("nodev", MS_NODEV), ("noexec", MS_NOEXEC)) if name in options)
            _mount(None, mount, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | kept)


def _unescape(field):
    """A mount point as mountinfo writes it, its space, tab, newline and backslash as \\ooo."""
    parts = field.split("\\")
    return parts[0] + "".join(chr(int(part[:3], 8)) + part[3:] for part in parts[1:])


def _mounts_under(target):
    """(mount point, its options) of every mount below `target`, from /proc/self/mountinfo."""
    found = []
    with open("/proc/self/mountinfo") as table:
        for line in table:
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")  # spaces come as \040
            if point.startswith(target.rstrip("/") + "/"):
                found.append((point, fields[5].split(",")))
    return found


def make_view(view):
    """The file system bubblewrap would show (grader/fsview.py wrap): the system read-only,
    a /dev of harmless devices, this namespace's /proc, a private /tmp, the recreated folders,
    the visible ones read-only, the working directory writable; then it becomes the root."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = view["newroot"]
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    for folder in view["system"]:
        if os.path.islink(folder):
            os.symlink(os.readlink(folder), root + folder)
        elif os.path.isdir(folder):
            _bind(folder, root + folder)
    os.mkdir(root + "/dev")
    _mount("tmpfs", root + "/dev", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    for device in DEVICES:
        if os.path.exists("/dev/" + device):
            _bind("/dev/" + device, root + "/dev/" + device, writable=True, device=True)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2"), ("core", "/proc/kcore"), ("ptmx", "pts/ptmx")):
        os.symlink(target, f"{root}/dev/{name}")
    os.mkdir(root + "/dev/shm")
    os.chmod(root + "/dev/shm", 0o1777)  # everyone's, as on any machine: the program is not root
    os.mkdir(root + "/dev/pts")
    _mount("devpts", root + "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620")
    os.mkdir(root + "/proc")
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for shared in view["proc_shared"]:  # the machine's, not the namespace's (grader/fsview.py PROC_SHARED)
        if os.path.exists(root + shared):
            _bind(root + shared, root + shared)
    for path, folder in view["masked"]:  # shown empty (grader/fsview.py SECRETS, PROC_MASKED)
        if folder:
            _mount("tmpfs", root + path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555")
        else:
            _bind("/dev/null", root + path)
    os.makedirs(root + "/tmp", exist_ok=True)
    _mount("tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    for folder, path in view["recreated"]:
        _bind(folder, root + path, writable=True)
    for folder in view["visible"]:
        if os.path.exists(folder):
            _bind(folder, root + folder)
    _bind(view["workdir"], root + view["workdir"], writable=True)
    for source, path in view["read_only"]:
        _bind(source, root + path)
    os.chdir(root)
    _check(libc.syscall(SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
    _check(libc.umount2(b".", MNT_DETACH), "umount the old root")
    os.chdir(view["workdir"])


def drop_privileges(identity):
    """The check's own user (grader/identity.py), no groups, no capability in any set, no way to
    gain one, and the system-call filter (grader/seccomp.py) over all it runs from now on."""
    for capability in range(64):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    if identity is not None:
        uid, gid = identity
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)  # a uid that is not 0: every capability goes with root
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    _check(libc.capset(header, (ctypes.c_uint32 * 6)()), "capset")  # none, in case the uid was kept
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(FILTER), 0, 0), "seccomp")


def load_filter(compiled):
    """The grader's compiled filter (an array of struct sock_filter) as prctl takes it."""
    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.c_void_p)]

    instructions = ctypes.create_string_buffer(compiled, len(compiled))
    made = Program(len(compiled) // 8, ctypes.cast(instructions, ctypes.c_void_p))
    made.instructions = instructions  # kept alive with the filter that points to them
    return made


def setup(request, fds, report):
    """In the fork of the server: the namespaces, then init; its PID goes to the server."""
    try:
        os.setsid()  # the group the grader kills: its leader outside the namespace, as bubblewrap's
        if request["netns"]:
            _check(libc.setns(fds[5], CLONE_NEWNET), "setns")
        _check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC), "unshare")  # IPC: no shared memory left behind
        pid = os.fork()
    except OSError as error:
        os.write(report, marshal.dumps({"error": str(error)}))
        os._exit(1)
    if pid == 0:
        os.close(report)
        return init(request, fds)
    os.write(report, marshal.dumps({"pid": pid}))
    os._exit(0)


def init(request, fds):
    """PID 1 of the program's namespace: the view, the limits, the program, its status."""
    stdin, stdout, stderr, events, go, lifeline = fds[0], fds[1], fds[2], fds[3], fds[4], request["lifeline"]
    libc.prctl(PR_SET_NAME, b"netgrader-init", 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as any init's: a program's ^C cannot end it
    try:
        make_view(request["view"])
    except OSError as error:
        os.write(stderr, f"netgrader: the sandbox could not be made: {error}\n".encode())
        os._exit(1)
    if os.read(go, 2) != b"go":  # the grader could not set the limits: never run the program
        os._exit(1)
    os.close(go)
    pid = os.fork()
    if pid == 0:
        return program(request, stdin, stdout, stderr, events)
    for fd in (stdin, stdout, stderr, events):
        os.close(fd)
    os._exit(_wait_program(pid, lifeline))


def _wait_program(pid, lifeline):
    """Wait for the program, reaping the orphans handed to PID 1 meanwhile; its status."""
    pidfd = os.pidfd_open(pid)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    poller.register(lifeline, select.POLLIN | select.POLLHUP)
    while True:
        ready = {fd for fd, _ in poller.poll(1000)}
        if lifeline in ready:
            return 137  # the grader is gone: end, and the kernel ends the rest
        while True:
            try:
                child, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if child == 0:
                break
            if child == pid:
                return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def program(request, stdin, stdout, stderr, events):
    """The program's process, up to the moment the script runs: returns it (see `run`)."""
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
    os.dup2(events, 3)
    os.closerange(4, 1 << 20)
    libc.prctl(PR_SET_NAME, COMM, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's, as at start-up
    try:
        drop_privileges(request["view"]["identity"])
    except OSError as error:  # never run as more than the check's user
        os.write(2, f"netgrader: the sandbox could not be made: {error}\n".encode())
        os._exit(1)
    env = dict(request["env"])
    config = dict(item.split("=", 1) for item in env.get("NETGRADER_SPY", "").split())
    if config:
        config["fd"] = "3"
        env["NETGRADER_SPY"] = " ".join(f"{key}={value}" for key, value in config.items())
    os.environ.clear()
    os.environ.update(env)
    script = request["script"]
    sys.argv = [script]
    sys.path[0] = os.path.dirname(os.path.realpath(script))
    spy = sys.modules.get("sitecustomize")
    if config and spy is not None:
        try:
            spy._install(config)
        except Exception as error:  # as at start-up: the spy must never stop the program
            os.write(2, f"netgrader spy disabled: {error!r}\n".encode())
    return script


def run(script):
    """The script as `python -u script` runs it: in a fresh `__main__`, its exceptions shown
    without this file's frames, its SystemExit and Python's exit (threads joined, atexit)."""
    path = os.path.abspath(script)  # Python names the script by its absolute path (since 3.9)
    main = type(sys)("__main__")
    main.__dict__.update(__file__=path, __cached__=None, __builtins__=sys.modules["builtins"],
                         __loader__=sys.modules["_frozen_importlib_external"].SourceFileLoader("__main__", path),
                         __annotations__={})
    sys.modules["__main__"] = main
    try:
        with open(path, "rb") as file:
            code = compile(file.read(), path, "exec", dont_inherit=True)
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as error:
        error.with_traceback(error.__traceback__.tb_next)  # from the script's first frame on
        sys.excepthook(type(error), error, error.__traceback__)
        raise SystemExit(1) from None


def serve(control, lifeline):
    """Answer requests until the grader closes the control socket. Returns only in a
    program's process, with its script."""
    channel = socket.socket(fileno=control)
    channel.send(marshal.dumps({"preloaded": sorted(PRELOADED)}))
    while True:
        try:
            data, fds = _receive(channel)
        except OSError:
            os._exit(0)
        if not data:
            os._exit(0)
        request = marshal.loads(data)
        request["lifeline"] = lifeline
        report_read, report_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            channel.close()
            os.close(report_read)
            return setup(request, fds, report_write)
        os.close(report_write)
        for fd in fds:
            os.close(fd)
        answer = os.read(report_read, 4096) or marshal.dumps({"error": "the sandbox's setup ended early"})
        os.close(report_read)
        os.waitpid(pid, 0)
        channel.send(answer)


def _receive(channel):
    data, ancillary, _, _ = channel.recvmsg(65536, socket.CMSG_SPACE(MAX_FDS * 4))
    fds = []
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds += list(memoryview(payload).cast("i")[:len(payload) // 4])
    return data, fds


if __name__ == "__main__":
    COMM = open("/proc/self/comm", "rb").read().strip()
    os.umask(0o022)  # the folders each view makes are passable by the program's user, whatever the grader's umask
    PRELOADED = set(sys.modules) - FRESH  # a student's file of one of these names would not be imported
    FILTER = load_filter(bytes.fromhex(sys.argv[3]))
    # Everything loaded so far is the programs' as much as this server's: the collector leaves
    # it alone, so a program's collections, and its exit, do not write to (copy) those pages.
    # Measured: 4 to 7 ms less CPU a program, of 11 to 19.
    gc.freeze()
    run(serve(int(sys.argv[1]), int(sys.argv[2])))
