"""The system-call filter every student program runs under, whichever way it starts.

Why: a program without capabilities can still ask the kernel for what undoes a sandbox: a user
namespace of its own (inside which it is root, and may mount a control-group hierarchy and
raise its own limits), the mount API, io_uring (system calls no other filter sees), a handle
that opens a file by its inode, another process's memory, the machine's keyrings. Docker's
default seccomp profile (moby's profiles/seccomp/default.json) refuses exactly these to a
container without capabilities; `DENIED` is its list, by name. Whatever else a Python program
needs stays allowed: the filter answers a refused call with EPERM (ENOSYS for clone3, so the C
library falls back to clone, whose namespace flags are refused), never kills the program for a
call of its own ABI, and kills it for another ABI's (x32, i386: names the filter never looked at).

The filter is compiled once per grader process by the system's libseccomp (through ctypes: the
library every Debian has, as apt needs it), which knows each name's number on this machine. The
same bytes go to bubblewrap (`--seccomp FD`) and to the fork server (grader/zygote.py), which
loads them in each program before its first line.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os

# What Docker's default profile refuses a container that holds no capabilities, by group.
DENIED = (
    # namespaces: a user namespace is root over its own mounts and control groups
    "unshare", "setns",
    # the mount API, old and new
    "mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr",
    # calls no filter sees, and the kernel's programmable parts
    "io_uring_setup", "io_uring_enter", "io_uring_register", "bpf", "perf_event_open", "userfaultfd",
    # files by handle (what opened the machine's disk), and watching the whole file system
    "open_by_handle_at", "name_to_handle_at", "fanotify_init",
    # other processes' memory and files
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise",
    # keyrings: not namespaced, they outlive the sandbox
    "add_key", "request_key", "keyctl",
    # the kernel itself: modules, kexec, reboot, swap, clocks, accounting, quotas, the log
    "init_module", "finit_module", "delete_module", "create_module", "kexec_load", "kexec_file_load",
    "reboot", "swapon", "swapoff", "settimeofday", "clock_settime", "clock_adjtime", "acct", "quotactl",
    "quotactl_fd", "syslog", "lookup_dcookie", "nfsservctl", "vhangup", "iopl", "ioperm", "uselib",
    "get_kernel_syms", "query_module", "sysfs", "_sysctl", "ustat",
    # memory placement across the machine's nodes (Docker: CAP_SYS_NICE only)
    "mbind", "migrate_pages", "move_pages", "set_mempolicy", "set_mempolicy_home_node",
    # what watches or spends what other checks share: file events on the folders every check
    # sees (the Python, /etc: another check's imports), the machine's async-IO budget
    "inotify_init", "inotify_init1", "io_setup",
    # newer views of the mount table and of trees (Linux 6.8, 6.15), where libseccomp knows them
    "listmount", "statmount", "open_tree_attr",
)
# Names every kernel this grader supports has: each must be in the filter, or it is not built.
REQUIRED = ("unshare", "setns", "mount", "umount2", "pivot_root", "open_tree", "fsopen", "move_mount",
            "io_uring_setup", "bpf", "perf_event_open", "userfaultfd", "open_by_handle_at", "ptrace",
            "process_vm_readv", "add_key", "keyctl", "init_module", "kexec_load", "clone", "clone3")
NAMESPACE_FLAGS = {"CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
                   "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
                   "CLONE_NEWNET": 0x40000000, "CLONE_NEWTIME": 0x00000080}
# The socket families a socket exercise uses (and the C library asks for: netlink for the
# machine's addresses); every other is refused, among them what a network namespace does not
# hold apart: raw frames, the hypervisor's vsock, the kernel's crypto. Compared on the low 32
# bits, as the kernel reads the argument (an int): a family with high bits set is no way past.
ALLOWED_FAMILIES = {"AF_UNIX": 1, "AF_INET": 2, "AF_INET6": 10, "AF_NETLINK": 16}
FAMILIES = 64  # past AF_MAX (46 in Linux 6.x): any family a kernel may add is refused too

ALLOW, KILL_PROCESS = 0x7FFF0000, 0x80000000
CMP_NE, CMP_MASKED_EQ = 1, 7
ATTRIBUTE_BAD_ARCH = 2  # SCMP_FLTATR_ACT_BADARCH


def refuse(code: int) -> int:
    return 0x00050000 | code  # SCMP_ACT_ERRNO(code)


class Unavailable(OSError):
    """No filter can be built here (libseccomp is missing or does not know a required call)."""


class _Comparison(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


def _library():
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        library = ctypes.CDLL(name, use_errno=True)
    except OSError as error:
        raise Unavailable(f"libseccomp is not installed ({error}): apt-get install libseccomp2") from None
    library.seccomp_init.restype = ctypes.c_void_p
    library.seccomp_init.argtypes = [ctypes.c_uint32]
    library.seccomp_release.argtypes = [ctypes.c_void_p]
    library.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    library.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                               ctypes.POINTER(_Comparison)]
    library.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    library.seccomp_attr_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
    return library


@functools.lru_cache(maxsize=1)
def program() -> bytes:
    """The compiled filter: an array of `struct sock_filter`, as seccomp(2) and bubblewrap take it."""
    library = _library()
    context = library.seccomp_init(ALLOW)
    if not context:
        raise Unavailable("libseccomp could not start a filter")
    try:
        missing = []

        def rule(name: str, action: int, *comparisons: tuple[int, int, int, int]) -> None:
            number = library.seccomp_syscall_resolve_name(name.encode())
            if number < 0:  # __NR_SCMP_ERROR: a name this architecture never had
                missing.append(name)
                return
            array = (_Comparison * max(1, len(comparisons)))(*[_Comparison(*c) for c in comparisons])
            if library.seccomp_rule_add_array(context, action, number, len(comparisons), array) != 0:
                missing.append(name)

        if library.seccomp_attr_set(context, ATTRIBUTE_BAD_ARCH, KILL_PROCESS) != 0:
            raise Unavailable("libseccomp refused the action for a foreign ABI")
        for name in DENIED:
            rule(name, refuse(errno.EPERM))
        for flag in NAMESPACE_FLAGS.values():
            rule("clone", refuse(errno.EPERM), (0, CMP_MASKED_EQ, flag, flag))
        rule("clone3", refuse(errno.ENOSYS))  # its flags lie in memory no filter reads: clone instead
        for family in sorted(set(range(FAMILIES)) - set(ALLOWED_FAMILIES.values())):
            rule("socket", refuse(errno.EAFNOSUPPORT), (0, CMP_MASKED_EQ, 0xFFFFFFFF, family))
        # netlink only to ask for the machine's addresses and routes (NETLINK_ROUTE, 0), never to
        # hear the machine's device events or audit log
        rule("socket", refuse(errno.EPROTONOSUPPORT), (0, CMP_MASKED_EQ, 0xFFFFFFFF, ALLOWED_FAMILIES["AF_NETLINK"]),
             (2, CMP_NE, 0, 0))
        absent = sorted(set(missing) & set(REQUIRED))
        if absent:
            raise Unavailable(f"this machine's libseccomp does not know {', '.join(absent)}: it is too old")
        fd = os.memfd_create("netgrader-seccomp", os.MFD_CLOEXEC)
        try:
            if library.seccomp_export_bpf(context, fd) != 0:
                raise Unavailable("libseccomp could not write the filter")
            os.lseek(fd, 0, os.SEEK_SET)
            chunks = []
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
    finally:
        library.seccomp_release(context)


def available() -> str:
    """'' when the filter can be built here, else why not (and what to install)."""
    try:
        program()
    except Unavailable as error:
        return str(error)
    return ""


def readable_fd() -> int:
    """A new file descriptor (inheritable) from which the filter can be read once: bubblewrap's `--seccomp`."""
    fd = os.memfd_create("netgrader-seccomp", 0)
    os.write(fd, program())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
