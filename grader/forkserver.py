"""Student programs started as forks of a warm Python (grader/zygote.py), where that is possible.

Why: starting a program through bubblewrap and a fresh Python costs about 27 ms of CPU, and a
grading starts a dozen: the largest part of a batch's cost. The zygote, one per grader
process, has the students' Python, the spy and socket loaded already, and makes each
program's sandbox itself: the same view, a PID namespace, the check's network and limits.

It is used as root (it mounts) where bubblewrap would be, unless NETGRADER_FORKSERVER=0.
Anything else, and any program it cannot start (the zygote is gone, a script that a fresh
Python would read otherwise), starts through bubblewrap as before (`Launch.fallback`).
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import select
import signal
import socket
import subprocess
import threading
from pathlib import Path

from . import seccomp
from .machine_cache import cache_dir
from .proctree import become_subreaper
from .student_python import SPY_DIR, STUDENT_ENV, student_python

ZYGOTE = Path(__file__).with_name("zygote.py")
ANSWER_WITHIN = 10.0  # seconds for the zygote to answer a request (it takes a few milliseconds)


class Unavailable(OSError):
    """The zygote cannot start this program: it starts the usual way instead."""


class Forked:
    """A program the zygote started, as the grader sees it: the part of subprocess.Popen that
    grader/process.py uses. Its init is the grader's child (handed over by the subreaper rule)."""

    def __init__(self, pid: int, stdin, stdout, stderr):
        self.pid, self.stdin, self.stdout, self.stderr = pid, stdin, stdout, stderr
        self.returncode: int | None = None
        self._waiting = threading.Lock()

    def wait(self) -> int:
        with self._waiting:
            if self.returncode is None:
                try:
                    _, status = os.waitpid(self.pid, 0)
                    self.returncode = os.waitstatus_to_exitcode(status)
                except ChildProcessError:  # reaped elsewhere: it has ended, how is lost
                    self.returncode = 255
            return self.returncode


class Zygote:
    """The grader process's fork server, started on first use."""

    def __init__(self):
        become_subreaper()  # the programs' inits are handed to us when their setup ends
        self._asking = threading.Lock()
        self._channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        lifeline, self._lifeline = os.pipe()  # its read end tells each program's init we are alive
        self.newroot = cache_dir() / "newroot"  # an empty folder each sandbox's root is mounted on
        self.newroot.mkdir(parents=True, exist_ok=True)
        env = {**STUDENT_ENV, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.newroot),
               "PYTHONPATH": str(SPY_DIR)}
        try:  # stdio on pipes, as a program's: Python sets its streams up at start (not seekable)
            self._process = subprocess.Popen(
                [student_python(), "-u", str(ZYGOTE), str(theirs.fileno()), str(lifeline), seccomp.program().hex()],
                env=env, cwd=self.newroot, pass_fds=(theirs.fileno(), lifeline), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        finally:
            theirs.close()
            os.close(lifeline)
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            stream.close()
        self.pid, self._closed = self._process.pid, False
        atexit.register(self.close)  # ended and reaped with the grader, not handed to a subreaper after
        try:
            self.preloaded = set(self._answer().get("preloaded", ()))
        except OSError:
            self.close()
            raise

    @property
    def alive(self) -> bool:
        return not self._closed and self._process.poll() is None

    def start(self, request: dict, fds: list[int]) -> int:
        """Send a request with its file descriptors; the PID of the program's init. A zygote
        that fails to answer is ended: this process's next programs start through bubblewrap."""
        with self._asking:
            if not self.alive:
                raise Unavailable("the fork server has ended")
            try:
                socket.send_fds(self._channel, [marshal.dumps(request)], fds)
                answer = self._answer()
            except OSError as error:
                self.close()
                raise Unavailable(f"the fork server is gone: {error}") from error
        if "pid" not in answer:
            raise Unavailable(answer.get("error", "the fork server refused"))
        return answer["pid"]

    def _answer(self) -> dict:
        if not select.select([self._channel], [], [], ANSWER_WITHIN)[0]:
            raise Unavailable("the fork server did not answer")
        data = self._channel.recv(65536)
        if not data:
            raise Unavailable("the fork server ended")
        return marshal.loads(data)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._channel.close()
            os.close(self._lifeline)
            self._process.kill()
            self._process.wait()


_zygotes: dict[int, Zygote | None] = {}  # grader process -> its zygote (None: it could not start)
_starting = threading.Lock()  # checks in threads ask at once: one zygote a process, never two


def zygote() -> Zygote | None:
    """This process's zygote, started on first use; None where there is none (it could not
    start, or has ended: then this process's programs start through bubblewrap)."""
    with _starting:
        if os.getpid() not in _zygotes:
            try:
                _zygotes[os.getpid()] = Zygote()
            except OSError:
                _zygotes[os.getpid()] = None
    server = _zygotes[os.getpid()]
    return server if server is not None and server.alive else None


def running() -> set[int]:
    """The PID of this process's zygote, if one runs: a process the grader keeps on purpose."""
    server = _zygotes.get(os.getpid())
    return {server.pid} if server is not None and server.alive else set()


def wanted(network) -> bool:
    """Programs in this network start from the zygote: root, a network it can join by a file
    descriptor (or none), and not turned off."""
    return (os.geteuid() == 0 and os.environ.get("NETGRADER_FORKSERVER") != "0"
            and network.joinable and zygote() is not None)


def _readable(script: Path) -> bool:
    """A fresh Python would read the script as the zygote does: it is UTF-8, or says its coding
    (else Python's own error message, which the report explains, is the one to show)."""
    head = script.read_bytes()
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return b"coding" in b"\n".join(head.splitlines()[:2])


class Launch:
    """Start one student program from the zygote; where it cannot, `fallback()` gives what
    starts it (through bubblewrap)."""

    def __init__(self, script: Path, view, on_ready, network, fallback):
        self._script, self._view, self._on_ready = script, view, on_ready
        self._network, self.fallback = network, fallback

    def _usable(self, server: Zygote, cwd: Path) -> bool:
        """No file beside the script bears the name of a module the zygote has loaded (a fresh
        Python would import the student's file), and the script reads the same."""
        folder = (cwd / self._script).parent
        names = {path.stem for path in folder.glob("*.py")} | {path.name for path in folder.iterdir() if path.is_dir()}
        return not (names & server.preloaded) and _readable(cwd / self._script)

    confinement = "fork server"

    def start(self, env: dict, cwd: Path, events_fd: int):
        server = zygote()
        if server is None or not self._usable(server, cwd):
            return self._fall_back(env, cwd, events_fd)
        stdin, stdout, stderr, go = (os.pipe() for _ in range(4))
        theirs, ours = [stdin[0], stdout[1], stderr[1], go[0]], [stdin[1], stdout[0], stderr[0]]
        netns = [self._network.fd] if self._network.fd is not None else []
        request = {"script": str(self._script), "env": env, "netns": bool(netns),
                   "view": self._view.request(server.newroot)}
        try:
            pid = server.start(request, [*theirs[:3], events_fd, theirs[3], *netns])
        except Unavailable:
            _close(*ours, go[1])
            return self._fall_back(env, cwd, events_fd)
        finally:
            _close(*theirs)
        try:
            self._on_ready(pid)  # its limits, before it runs a line
            os.write(go[1], b"go")
        except (ProcessLookupError, BrokenPipeError):
            pass  # it has ended already (why, if it was not the program, is on its stderr)
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            _close(*ours)
            raise
        finally:
            os.close(go[1])
        return Forked(pid, open(stdin[1], "wb", buffering=0), open(stdout[0], "rb", buffering=0),
                      open(stderr[0], "rb", buffering=0))

    def _fall_back(self, env: dict, cwd: Path, events_fd: int):
        """The program through bubblewrap, as strong a sandbox; the report names it."""
        fallback = self.fallback()
        self.confinement = fallback.confinement
        return fallback.start(env, cwd, events_fd)


def _close(*fds: int) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
