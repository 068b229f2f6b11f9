"""Where a check's packets live: a private network namespace, or plain loopback as a fallback.

In a namespace (the normal case) the student's processes and the grader's sockets share a
network with nothing but `lo` in it, so the handout's port 8888 is free in every check, many
checks run at once, a classroom address like 172.40.91.185 can be added to `lo`, and nothing
can leave the machine. Root needs only a network namespace; anyone else gets a user
namespace around it.

Where Linux refuses namespaces (or NETGRADER_ISOLATION=loopback forces it), checks share the
host's loopback; the spy in the student's Python then moves every bind to a free port on
127.0.0.1 and every destination onto 127.0.0.1, which keeps checks apart and packets home.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .errors import HarnessError
from .nsagent import add_address, bring_loopback_up
from .machine_cache import tool

AGENT = Path(__file__).with_name("nsagent.py")
CLONE_NEWNET = 0x40000000
MODES = ("auto", "netns", "loopback")
_refused: str | None = None  # why namespaces failed in this process, so we ask only once


def _setns(fd: int) -> None:
    """setns(2) for this thread's network namespace (os.setns arrives in Python 3.12)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise HarnessError(f"setns: {os.strerror(error)}")


class Loopback:
    """The fallback: the host's loopback, kept apart by the spy's port rewriting. Nothing keeps
    a program from the machine's network here (`confined` is False): a program that calls
    `_socket` itself passes the spy by; the report says so, and a batch or CI refuses it
    unless told --unconfined."""

    def launcher(self, argv: list[str]):
        return argv, contextlib.nullcontext()

    isolation = "loopback"
    spy_mode = "loopback"
    joinable = True  # nothing to join: a fork server may start programs (grader/forkserver.py)
    fd = None  # no namespace to join
    confined = False
    peer_host = "127.0.0.1"

    def __init__(self, reason: str = ""):
        self.reason = reason

    def socket(self, family=socket.AF_INET, kind=socket.SOCK_DGRAM) -> socket.socket:
        return socket.socket(family, kind)

    def wrap(self, argv: list[str]) -> list[str]:
        return argv

    def add_address(self, ip: str) -> None:
        """Nothing to do: the spy rewrites such binds to 127.0.0.1."""

    def peer_port(self, handout_port: int) -> int:
        return 0  # any free port; the spy steers the student's client there

    def member_pids(self) -> list[int]:
        return []

    def close(self) -> None:
        pass


class SharedLoopback(Loopback):
    """The loopback mode where a namespace can be made: every check of one grader shares one
    network namespace (the spy's port rewriting keeps them apart, as on the host's loopback),
    and nothing in it reaches the machine's network, whatever a program calls."""

    confined = True
    reason = "forced"

    def __init__(self, namespace, owned: bool = False):
        """`owned`: the network closes its namespace itself (one network for one sandbox)."""
        self.namespace, self._owned = namespace, owned

    @property
    def joinable(self) -> bool:
        return self.namespace.joinable

    @property
    def fd(self):
        return getattr(self.namespace, "fd", None)

    def launcher(self, argv: list[str]):
        return self.namespace.launcher(argv)

    def socket(self, family=socket.AF_INET, kind=socket.SOCK_DGRAM) -> socket.socket:
        return self.namespace.socket(family, kind)

    def wrap(self, argv: list[str]) -> list[str]:
        return self.namespace.wrap(argv)

    def member_pids(self) -> list[int]:
        return self.namespace.member_pids()

    def close(self) -> None:
        """The namespace outlives the check (its grader's Networks closes it), unless owned."""
        if self._owned:
            self.namespace.close()


class Namespace:
    """A network namespace held open by grader/nsagent.py, where the grader cannot make one
    itself (OwnNamespace): a user who is not root, inside a user namespace of its own."""

    isolation = "netns"
    spy_mode = "netns"
    peer_host = "0.0.0.0"
    reason = ""
    confined = True
    joinable = False  # only its agent's children are born in it
    fd = None  # joined by nsenter, not by a file descriptor

    def __init__(self):
        self._user_ns = os.geteuid() != 0
        self._asking = threading.Lock()
        self._channel, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        unshare = ["unshare", "--user", "--map-root-user", "--net"] if self._user_ns else ["unshare", "--net"]
        argv = [*unshare, "--", sys.executable, "-I", "-S", str(AGENT), str(child.fileno())]
        try:
            self._agent = subprocess.Popen(
                argv,
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            self._channel.close()
            raise HarnessError(f"cannot start unshare: {exc}") from None
        finally:
            child.close()
        self._channel.settimeout(10)
        try:
            answer = self._channel.recv(256)
        except OSError:
            answer = b""
        if answer != b"ready":
            self.close()
            problem = self._agent.stderr.read().decode(errors="replace").strip() or answer.decode(errors="replace")
            raise HarnessError(f"no network namespace: {problem or 'unshare failed'}")
        self._agent.stderr.close()
        self._ns_path = f"/proc/{self._agent.pid}/ns/net"
        self._ns_id = os.readlink(self._ns_path)

    def _ask(self, request: bytes, fds: bool = False):
        with self._asking:  # one question at a time: peers and relays ask from their own threads
            self._channel.send(request)
            if fds:
                message, received, _flags, _addr = socket.recv_fds(self._channel, 256, 1)
            else:
                message, received = self._channel.recv(256), []
        if not message.startswith(b"ok"):
            raise HarnessError(f"namespace agent: {message.decode(errors='replace')}")
        return received

    def socket(self, family=socket.AF_INET, kind=socket.SOCK_DGRAM) -> socket.socket:
        (fd,) = self._ask(f"socket {int(family)} {int(kind)}".encode(), fds=True)
        return socket.socket(fileno=fd)

    def add_address(self, ip: str) -> None:
        self._ask(f"addr {ip}".encode())

    def wrap(self, argv: list[str]) -> list[str]:
        """The command that runs argv inside this namespace."""
        enter = ["nsenter", f"--net={self._ns_path}"]
        if self._user_ns:
            enter += [f"--user=/proc/{self._agent.pid}/ns/user", "--preserve-credentials"]
        return [*enter, "--", *argv]

    def launcher(self, argv: list[str]):
        """argv, and the context to start it in, so that it is born inside the namespace."""
        return self.wrap(argv), contextlib.nullcontext()

    def peer_port(self, handout_port: int) -> int:
        return handout_port

    def member_pids(self) -> list[int]:
        """Every process inside the namespace but the agent: what clean-up must kill."""
        return _members_of(self._ns_id, skip=(self._agent.pid,))

    def close(self) -> None:
        self._channel.close()
        with contextlib.suppress(OSError):  # it keeps nothing: no need to wait for it to end by itself
            os.killpg(self._agent.pid, signal.SIGKILL)
        self._agent.wait()


class OwnNamespace:
    """A network namespace a thread of the grader makes for itself (root only): no process
    holds it, a file descriptor does. Making one costs a tenth of a millisecond where starting
    the agent (grader/nsagent.py, a Python process) costs 30-40 ms and 15 ms of CPU, a dozen
    times a grading. The grader's sockets are made by a thread that steps into it for the
    call, and a program is born in it the same way (a network namespace is a thread's own)."""

    isolation = "netns"
    spy_mode = "netns"
    peer_host = "0.0.0.0"
    reason = ""
    confined = True
    joinable = True  # by its file descriptor (`fd`): a fork server's programs join it with setns

    def __init__(self):
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(CLONE_NEWNET) != 0:
                raise HarnessError(f"unshare: {os.strerror(ctypes.get_errno())}")
            try:
                self._ns_fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
                self._ns_id = os.readlink("/proc/thread-self/ns/net")
                bring_loopback_up()
            finally:
                _setns(own)
        finally:
            os.close(own)

    def socket(self, family=socket.AF_INET, kind=socket.SOCK_DGRAM) -> socket.socket:
        with self._entered():
            return socket.socket(family, kind)

    def add_address(self, ip: str) -> None:
        with self._entered():
            answer = add_address(ip)
        if answer != b"ok":
            raise HarnessError(f"cannot add {ip}: {answer.decode(errors='replace')}")

    def wrap(self, argv: list[str]) -> list[str]:
        """The command that runs argv inside this namespace (for a program started elsewhere)."""
        return ["nsenter", f"--net=/proc/{os.getpid()}/fd/{self._ns_fd}", "--", *argv]

    def launcher(self, argv: list[str]):
        return argv, self._entered()

    @property
    def fd(self) -> int:
        """The namespace's file descriptor, for a process that joins it (setns)."""
        return self._ns_fd

    @contextlib.contextmanager
    def _entered(self):
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            _setns(self._ns_fd)
            try:
                yield
            finally:
                _setns(own)
        finally:
            os.close(own)

    def peer_port(self, handout_port: int) -> int:
        return handout_port

    def member_pids(self) -> list[int]:
        return _members_of(self._ns_id, skip=())

    def close(self) -> None:
        if self._ns_fd is not None:
            os.close(self._ns_fd)
            self._ns_fd = None


def _members_of(ns_id: str, skip=()) -> list[int]:
    """Every process inside the network namespace `ns_id` (net:[inode]) but those in `skip`."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in skip:
            continue
        try:
            if os.readlink(f"/proc/{entry.name}/ns/net") == ns_id:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class Networks:
    """The networks of one grader's checks, each new and private: an OwnNamespace as root, else
    an agent's Namespace, else Loopback where namespaces are refused or `mode` says so. With
    `ahead`, each agent's namespace comes with the next one made in the background: a check
    then does not wait the 30-40 ms an agent takes to start (an OwnNamespace needs no spare).
    `close()` closes the spare: nothing is left."""

    def __init__(self, mode: str | None = None, ahead: bool = False):
        self.mode = mode or os.environ.get("NETGRADER_ISOLATION") or "auto"
        if self.mode not in MODES:
            raise HarnessError(f"isolation must be one of {', '.join(MODES)}, not {self.mode!r}")
        self._ahead = ahead
        self._own_refused = False
        self._spare: Future | None = None
        self._maker: ThreadPoolExecutor | None = None
        self._shared = None  # the loopback mode's one namespace
        self._lock = threading.Lock()

    def open(self):
        """A Namespace when Linux allows it, else Loopback (with the reason): in one namespace
        shared by this grader's checks where one can be made, else the host's."""
        global _refused
        if self.mode == "loopback":
            return self._shared_loopback()
        if _refused is None or self.mode == "netns":
            if not (tool("unshare") and tool("nsenter")):
                _refused = "util-linux's unshare and nsenter are not installed"
            else:
                try:
                    return self._next_namespace()
                except HarnessError as exc:
                    _refused = str(exc)
            if self.mode == "netns":
                raise HarnessError(_refused)
        return Loopback(_refused)

    def _shared_loopback(self):
        with self._lock:
            if self._shared is None:
                try:
                    self._shared = SharedLoopback(self._next_namespace(ahead=False))
                except (HarnessError, OSError) as exc:
                    self._shared = Loopback(f"forced; no namespace could be made: {exc}")
            return self._shared

    def _next_namespace(self, ahead: bool | None = None):
        if os.geteuid() == 0 and not self._own_refused:
            try:
                return OwnNamespace()
            except (HarnessError, OSError):  # a container that refuses unshare: the agent may still work
                self._own_refused = True
        if ahead is False:
            return Namespace()
        with self._lock:
            spare, self._spare = self._spare, None
            namespace = None
            if spare is not None:
                with contextlib.suppress(HarnessError):
                    namespace = spare.result()
            if namespace is None:
                namespace = Namespace()
            if self._ahead:
                self._maker = self._maker or ThreadPoolExecutor(1, thread_name_prefix="namespace")
                self._spare = self._maker.submit(Namespace)
        return namespace

    def close(self) -> None:
        with self._lock:
            self._ahead, spare, self._spare = False, self._spare, None
            maker, self._maker = self._maker, None
        if spare is not None:
            with contextlib.suppress(Exception):
                spare.result().close()
        if maker is not None:
            maker.shutdown()
        shared, self._shared = self._shared, None
        if isinstance(shared, SharedLoopback):
            shared.namespace.close()


def open_network(mode: str | None = None):
    """One network, not made ahead: for a single sandbox (and the tests)."""
    network = Networks(mode).open()
    if isinstance(network, SharedLoopback):
        network._owned = True
    return network
