"""The file system a student's program sees, through Debian's bubblewrap where it is installed.

Why: a student's program runs with the grader's rights. Without a view of its own it could read
the reference solutions, the broken submissions and hidden tests, copy a classmate's folder, or
write wherever the grader may. With bubblewrap it sees the machine read-only, its own working
directory (with the fixtures) as the one place it may write, and a private /tmp; the grader's
project, the grader user's home and the folder of the submissions are empty, except the
Python it runs on and the spy. It also gets a PID namespace of its own, so it cannot signal the
grader or another check (`os.killpg(os.getpgid(os.getppid()), 9)` finds nobody).
Without bubblewrap (or where it cannot run, as inside some containers) programs run as before,
and the report says so.
"""

from __future__ import annotations

import functools
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import seccomp
from .identity import Identity
from .proctree import wait_ended
from .machine_cache import tool


# The trial run of bwrap, from a Python that reaps what bwrap leaves behind: with --unshare-pid
# one of its processes outlives it, and would otherwise end up a zombie of the grader.
TRIAL = """import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
status = subprocess.run(sys.argv[1:], close_fds=False).returncode  # the gate's pipes and the filter
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
sys.exit(status)
"""


_works: dict[str, bool] = {}  # isolation mode -> whether bubblewrap runs there


def available(network) -> bool:
    """bubblewrap is installed and works inside this kind of network (it may not inside a
    container, or inside the user namespace a user who is not root gets), and
    NETGRADER_BUBBLEWRAP=0 does not turn it off. Tried once per kind of network."""
    if os.environ.get("NETGRADER_BUBBLEWRAP") == "0" or tool("bwrap") is None:
        return False
    if network.isolation not in _works:
        _works[network.isolation] = _trial(network)
    return _works[network.isolation]


def _trial(network) -> bool:
    """bubblewrap runs `true` here as it runs a program: its filter loaded, as an unprivileged user."""
    if seccomp.available():
        return False
    gate = Gate(lambda pid: None)
    identity = Identity(65534, 65534) if os.geteuid() == 0 else None
    trial = [sys.executable, "-I", "-S", "-c", TRIAL, *sandboxing(identity, gate), "--ro-bind", "/", "/",
             "--", *(identity.setpriv() if identity else ()), "true"]
    try:
        done = subprocess.Popen(network.wrap(trial), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, pass_fds=gate.fds)
    except OSError:
        gate.close()
        return False
    gate.open(done)
    if not wait_ended(done, 10):
        os.killpg(done.pid, signal.SIGKILL)
        done.wait()
    return done.returncode == 0


def sandboxing(identity: Identity | None, gate: "Gate") -> list[str]:
    """bubblewrap's options that make its sandbox: a bwrap, its namespaces, the system-call filter
    and the gate. As root bwrap needs no user namespace (setpriv then makes the program a user
    of its own); as anyone else it makes one, and none can be made inside it."""
    user = [] if identity else ["--unshare-user", "--disable-userns"]
    return ["bwrap", "--unshare-pid", "--unshare-ipc", "--die-with-parent", *user, *gate.options()]


SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")  # what any program needs
# What the view shows empty, as Docker masks it: the machine's secrets in /etc (passwords, the
# database's maintenance account, the host's keys) and the /proc files that tell of the machine
# rather than the program (its keyrings, timers, memory image, devices).
SECRETS = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/security/opasswd",
           "/etc/mysql/debian.cnf", "/etc/ssl/private", "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key",
           "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_dsa_key")
PROC_MASKED = ("/proc/kcore", "/proc/keys", "/proc/key-users", "/proc/timer_list", "/proc/timer_stats",
               "/proc/sched_debug", "/proc/latency_stats", "/proc/kallsyms", "/proc/kpagecount", "/proc/kpageflags",
               "/proc/kpagecgroup", "/proc/acpi", "/proc/asound", "/proc/scsi", "/proc/firmware")


PROC_SHARED = ("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs", "/proc/pressure")


@functools.lru_cache(maxsize=1)
def masked() -> tuple[tuple[str, bool], ...]:
    """(path, is a folder) of every path to mask that this machine has: looked up once a
    process, not at each program's start."""
    return tuple((path, os.path.isdir(path)) for path in (*SECRETS, *PROC_MASKED) if os.path.lexists(path))


class Gate:
    """bubblewrap's sandbox held shut until the grader has put it under the check's limits.

    bwrap tells the pid of its sandbox on --info-fd, then waits on --block-fd before it runs the
    program. `open()` reads the pid, calls `on_ready(pid)` (grader/limits.py sets the rlimits
    and control groups there, where the program and all it starts inherit them) and only then
    lets it run. Nothing else has to start in front of bwrap to set the limits. The gate also
    hands bwrap the system-call filter (grader/seccomp.py) it loads before the program runs."""

    def __init__(self, on_ready):
        self._on_ready = on_ready
        self._info_read, self._info_write = os.pipe()
        self._block_read, self._block_write = os.pipe()
        self._filter = seccomp.readable_fd()
        self._open = {self._info_read, self._info_write, self._block_read, self._block_write, self._filter}

    @property
    def fds(self) -> tuple[int, int, int]:
        """bwrap's ends of the pipes, and the filter: passed to it."""
        return self._info_write, self._block_read, self._filter

    def options(self) -> list[str]:
        return ["--info-fd", str(self._info_write), "--block-fd", str(self._block_read), "--seccomp", str(self._filter)]

    def open(self, process: subprocess.Popen, within: float = 10.0) -> None:
        """Once bwrap has started: its sandbox under the limits, then running. A sandbox that is
        never reported or ends before its limits are set (bwrap failed: its error is on stderr,
        as the program's) or whose limits cannot be set (raised) is killed before the program
        could run a line."""
        self._close(self._info_write, self._block_read, self._filter)
        released = False
        try:
            pid = self._sandbox_pid(within)
            if pid is not None:
                self._on_ready(pid)
                os.write(self._block_write, b"go")
                released = True
        except (ProcessLookupError, BrokenPipeError):
            pass  # it is gone already
        finally:
            if not released:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            self.close()

    def _sandbox_pid(self, within: float) -> int | None:
        data, deadline = b"", time.monotonic() + within
        while time.monotonic() < deadline:
            if not select.select([self._info_read], [], [], deadline - time.monotonic())[0]:
                return None
            chunk = os.read(self._info_read, 4096)
            if not chunk:
                return None
            data += chunk
            try:
                return int(json.loads(data)["child-pid"])
            except (ValueError, KeyError, TypeError):
                continue  # not all of it yet
        return None

    def close(self) -> None:
        """Every end still open (also when the start failed)."""
        self._close(self._info_read, self._info_write, self._block_read, self._block_write, self._filter)

    def _close(self, *fds: int) -> None:
        """Each fd once: a number closed twice may by then be another file's."""
        for fd in set(fds) & self._open:
            self._open.discard(fd)
            os.close(fd)


@dataclass(frozen=True)
class View:
    """What a student's program sees: the system's programs and libraries, the `visible`
    folders (the Python it runs on, the spy), all read-only, and `workdir`, writable. Nothing
    else is there: not the grader's project, nor another copy of it, nor any home or course
    folder on the machine. `recreated`: (folder of the sandbox, path) pairs, writable, for the
    folders of the student's computer (grader/recreate.py); bound before `visible`, which may
    lie inside one of them (/root/.pyenv under a recreated /root). `read_only`: (file, path in
    workdir) pairs shown read-only over `workdir` (a submission's large files, not copied).
    `identity`: the user the program runs as (grader/identity.py; None: the grader's own).
    bubblewrap makes it (`wrap`), or the fork server (`request`, grader/zygote.py)."""

    workdir: Path
    visible: tuple[Path, ...]
    recreated: tuple[tuple[Path, str], ...] = ()
    read_only: tuple[tuple[Path, Path], ...] = ()
    identity: Identity | None = None

    def shown(self) -> list[Path]:
        return [folder for folder in dict.fromkeys(self.visible) if folder.exists()]

    def wrap(self, argv: list[str], gate: Gate) -> list[str]:
        """argv run by bubblewrap in this view, once `gate` opens."""
        view = sandboxing(self.identity, gate)
        for folder in SYSTEM:
            view += ["--ro-bind-try", folder, folder]
        view += ["--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm", "--proc", "/proc",
                 "--perms", "1777", "--tmpfs", "/tmp"]  # before the binds: they may lie in /tmp
        for shared in PROC_SHARED:  # the machine's, not the namespace's: bwrap as root leaves /proc/sys writable
            view += ["--ro-bind-try", shared, shared]
        for path, folder in masked():
            view += ["--perms", "0555", "--tmpfs", path, "--remount-ro", path] if folder else ["--ro-bind", "/dev/null", path]
        for folder, path in self.recreated:
            view += ["--bind", str(folder), path]
        for folder in self._parents():  # bwrap would make them 0700: only root could pass
            view += ["--perms", "0755", "--dir", folder]
        for folder in self.shown():
            view += ["--ro-bind", str(folder), str(folder)]
        view += ["--bind", str(self.workdir), str(self.workdir)]
        for source, path in self.read_only:
            view += ["--ro-bind", str(source), str(path)]
        view += ["--chdir", str(self.workdir), "--"]
        return [*view, *(self.identity.setpriv() if self.identity else ()), *argv]

    def _parents(self) -> list[str]:
        """The folders above the visible ones and the working directory that the view has not
        got (the folders a program's user passes through to reach the Python it runs on), from
        the top down: never /tmp (bubblewrap's, everyone's) nor a system folder or a recreated one."""
        kept = {"/", "/tmp", *SYSTEM, *(path for _, path in self.recreated)}
        found = []
        for folder in (*self.shown(), self.workdir):
            for parent in reversed(folder.parents):
                if str(parent) not in kept and not any(parent.is_relative_to(s) for s in SYSTEM) and str(parent) not in found:
                    found.append(str(parent))
        return found

    def request(self, newroot: Path) -> dict:
        """The view as grader/zygote.py makes it, on the empty folder `newroot`."""
        return {"newroot": str(newroot), "system": list(SYSTEM), "workdir": str(self.workdir),
                "recreated": [[str(folder), path] for folder, path in self.recreated],
                "visible": [str(folder) for folder in self.shown()],
                "read_only": [[str(source), str(path)] for source, path in self.read_only],
                "identity": [self.identity.uid, self.identity.gid] if self.identity else None,
                "masked": [list(entry) for entry in masked()], "proc_shared": list(PROC_SHARED)}


def exit_status(returncode: int | None) -> int | None:
    """bubblewrap reports a program killed by signal N as exit status 128 + N: as Popen would, -N."""
    if returncode is not None and 128 < returncode < 128 + 65:
        return 128 - returncode
    return returncode
