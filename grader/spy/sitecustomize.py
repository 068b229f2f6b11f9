"""netgrader's spy, loaded by Python at start-up into every student process it grades.

Why it exists: waiting for a server with `sleep(1)` is slow and flaky, and guessing what a
client did from the outside loses the cause. Here the student's own Python reports, over an
inherited pipe and the moment they happen, the events the grader waits for and explains:

    bind / listen     readiness within a millisecond, and the port and address really used
    connect / sendto  where a client really sent (the grader warns about hard-coded ones)
    wait              a socket starts to wait for data or a connection (again after the program
                      did something else: the last event a wait means it is blocked there)
    accepting         each call of accept(): a server back there left its last client unserved
    recv_full         a TCP recv() with a small buffer came back full: recv(5) gets "hello
                      server" in pieces (the grader names the buffer size)
    recv_after_eof    recv() is called again on a connection that already returned b'' (the
                      peer closed): the program spins instead of ending that connection
    input             the program now waits for a line on stdin
    open              it opens a file of its own to read or write (not Python's modules)
    sleep             it calls time.sleep(): a client that paces its sends on purpose (the
                      course's second remedy for glued TCP messages)
    exception         an uncaught exception, with the student's line that raised it

It also steers sockets so hard-coded environments still work:
  * `redirect`: a client's connect/sendto goes to the grader's reference peer whatever
    address or port the student typed (the original destination is reported);
  * `services`: a connection to a service's port (MySQL's 3306) goes to the grader's, on
    127.0.0.1, whatever host the student named (the classroom's database server, localhost);
  * loopback mode (no network namespace): binds are moved to 127.0.0.1 and a free port
    so checks running at once never collide, and nothing is sent beyond 127.0.0.1.

Configuration arrives in NETGRADER_SPY (`fd=5 mode=netns udp=127.0.0.1:8888`). Without it
the module does nothing. It must
never raise into the student's program: every hook falls back to the plain behaviour.
"""

import os


def _install(config):
    import socket
    import sys
    import time

    fd = int(config["fd"])
    loopback_mode = config.get("mode") == "loopback"
    redirect = {}  # proto -> (host, port) of the grader's reference peer
    for proto in ("udp", "tcp"):
        if proto in config:
            host, _, port = config[proto].rpartition(":")
            redirect[proto] = (host, int(port))
    # handout port -> where the grader's service listens (`services=3306:3306`: its database)
    services = {int(a): int(b) for a, _, b in (pair.partition(":") for pair in config.get("services", "").split(",") if pair)}
    budget = {"sendto": 200, "connect": 200, "service": 200, "open": 200, "accept": 200, "sleep": 20, "recv_full": 1,
              "wait": 1000}
    last_emitted = [None]  # the last event: ("wait", key) while the program still waits on that socket
    SMALL_BUFFER = 1024  # recv(5) that comes back full cuts "hello server"; recv(1024) full is an upload

    def emit(event, **fields):
        # One line per event, a Python literal the grader reads with ast.literal_eval
        # (json would cost this start-up its `re` import).
        fields["ev"] = event
        last_emitted[0] = event
        fields["pid"] = os.getpid()
        fields["t"] = time.monotonic()
        line = repr(fields)
        if len(line) > 3000:
            line = repr({k: v[:200] if isinstance(v, str) else v for k, v in fields.items()})
        try:
            os.write(fd, line.encode("utf-8", "replace") + b"\n")
        except OSError:
            pass

    def proto_of(sock):
        kind = sock.type & 0xF  # strip SOCK_NONBLOCK / SOCK_CLOEXEC
        return {socket.SOCK_DGRAM: "udp", socket.SOCK_STREAM: "tcp"}.get(kind)

    def inet_address(sock, args):
        """The (host, port) a call names, or None when it is not an IPv4/IPv6 address."""
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or not args:
            return None
        address = args[-1]
        if isinstance(address, tuple) and len(address) >= 2 and isinstance(address[1], int):
            return address
        return None

    def steer(sock, address):
        """Where a client's packet really goes. An address that would not have worked on the
        student's computer either (an IP with the port typed into it, '192.168.33.8080') is
        refused as the resolver refuses it there, never looked up and never redirected."""
        host = address[0]
        if isinstance(host, str) and host and all(c.isdigit() or c == "." for c in host):
            try:
                socket.inet_aton(host)  # what getaddrinfo accepts as a numeric address
            except OSError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        target = redirect.get(proto_of(sock))
        if target is not None:
            host = "::ffff:" + target[0] if sock.family == socket.AF_INET6 else target[0]
            return (host, target[1]) + tuple(address[2:])
        host = address[0] if isinstance(address[0], str) else ""
        if loopback_mode and not (host.startswith("127.") or host in ("localhost", "::1")):
            return ("::1" if sock.family == socket.AF_INET6 else "127.0.0.1",) + tuple(address[1:])
        return address

    def shown(address):
        return [str(address[0]), address[1]]

    cls = socket.socket
    real_bind, real_listen = cls.bind, cls.listen
    real_connect, real_connect_ex, real_sendto = cls.connect, cls.connect_ex, cls.sendto

    def bind(self, *args):
        address = inet_address(self, args)
        if address is None:
            return real_bind(self, *args)
        wildcard = "::" if self.family == socket.AF_INET6 else "0.0.0.0"
        effective = address
        if loopback_mode:
            effective = ("::1" if self.family == socket.AF_INET6 else "127.0.0.1", 0) + tuple(address[2:])
        try:
            real_bind(self, effective)
        except OSError as exc:
            # A classroom address the namespace lacks: bind every address of the namespace
            # instead (it only has loopback), and say so.
            if exc.errno != 99 or loopback_mode:  # 99: EADDRNOTAVAIL
                emit("bind_error", proto=proto_of(self), requested=shown(address), error=str(exc))
                raise
            effective = (wildcard,) + tuple(address[1:])
            real_bind(self, effective)
        emit("bind", proto=proto_of(self), requested=shown(address), bound=shown(self.getsockname()))

    def listen(self, *args):
        result = real_listen(self, *args)
        try:
            emit("listen", proto=proto_of(self), bound=shown(self.getsockname()))
        except OSError:
            pass
        return result

    def report_destination(event, sock, address, effective):
        if budget[event] > 0:
            budget[event] -= 1
            emit(event, proto=proto_of(sock), requested=shown(address), effective=shown(effective))

    def steered(real):
        """connect / connect_ex, sent where the grader wants and reported."""

        def wrapper(self, *args):
            address = inet_address(self, args)
            if address is None:
                return real(self, *args)
            if address[1] in services and proto_of(self) == "tcp":  # the database, wherever it was in class
                host = "::ffff:127.0.0.1" if self.family == socket.AF_INET6 else "127.0.0.1"
                report_destination("service", self, address, (host, services[address[1]]))
                return real(self, (host, services[address[1]]) + tuple(address[2:]))
            effective = steer(self, address)
            report_destination("connect", self, address, effective)
            return real(self, effective)

        return wrapper

    def sendto(self, *args):
        address = inet_address(self, args)
        if address is None or len(args) < 2:
            return real_sendto(self, *args)
        effective = steer(self, address)
        report_destination("sendto", self, address, effective)
        return real_sendto(self, *args[:-1], effective)

    import weakref

    at_eof = weakref.WeakSet()  # stream sockets whose recv() returned b''
    spinning = []  # reported once per process

    def waits(real, receives_bytes, accepts=False):
        """Wrap a receiving call: a socket that starts to wait after the program did something
        else is reported (the first time a bound socket waits, the program is serving; the last
        event being a wait means it is blocked there); a small TCP buffer that comes back full
        cuts messages; a second b'' from the same connection means the program loops on a
        closed connection."""

        def wrapper(self, *args, **kwargs):
            try:
                key = (proto_of(self), self.getsockname()[1] if self.family in (socket.AF_INET, socket.AF_INET6) else 0)
                if last_emitted[0] != ("wait", key) and budget["wait"] > 0:
                    budget["wait"] -= 1
                    emit("wait", proto=key[0], port=key[1])
                    last_emitted[0] = ("wait", key)
            except OSError:
                pass
            if accepts and budget["accept"] > 0:  # each call: back in accept() with a client still connected?
                budget["accept"] -= 1
                emit("accepting")
            result = real(self, *args, **kwargs)
            stream = self.type & 0xF == socket.SOCK_STREAM
            if receives_bytes and stream and result and args and isinstance(args[0], int) and budget["recv_full"] > 0 \
                    and len(result) == args[0] < SMALL_BUFFER:
                budget["recv_full"] -= 1
                emit("recv_full", size=args[0])
            if receives_bytes and not result and not spinning and stream:
                if self in at_eof:
                    spinning.append(True)
                    emit("recv_after_eof")
                at_eof.add(self)
            return result

        return wrapper

    for name in ("recv", "recvfrom", "recv_into", "recvfrom_into", "accept"):
        setattr(cls, name, waits(getattr(cls, name), name in ("recv", "recv_into"), name == "accept"))
    cls.bind, cls.listen = bind, listen
    cls.connect, cls.connect_ex, cls.sendto = steered(real_connect), steered(real_connect_ex), sendto

    class Stdin:
        """sys.stdin that says when the program starts waiting for a line. The built-in
        input() reads through it too (it calls sys.stdin.readline() when stdin is a pipe), so
        input() itself stays untouched and no frame of the spy shows in a traceback."""

        def __init__(self, stream):
            self._stream = stream

        def __getattr__(self, name):
            return getattr(self._stream, name)

        def readline(self, *args):
            emit("input")
            return self._stream.readline(*args)

        def read(self, *args):
            emit("input", all=True)
            return self._stream.read(*args)

        def __iter__(self):
            return self

        def __next__(self):
            line = self.readline()
            if not line:
                raise StopIteration
            return line

    if sys.stdin is not None:
        sys.stdin = Stdin(sys.stdin)

    real_sleep = time.sleep

    def sleep(secs):
        if budget["sleep"] > 0:
            budget["sleep"] -= 1
            emit("sleep", secs=secs if isinstance(secs, (int, float)) else None)
        return real_sleep(secs)

    time.sleep = sleep

    not_student = tuple({sys.prefix, sys.base_prefix, os.path.dirname(os.path.abspath(__file__))})

    def where(tb):
        """The last frame of the student's own code, or None when it cannot be told (even
        reading the source can fail: out of file descriptors, say)."""
        try:
            return student_frame(tb)
        except Exception:
            return None

    def student_frame(tb):
        """The last frame of the student's own code: file, line, function, source text."""
        found = None
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if not name.startswith(not_student) and not name.startswith("<"):
                found = tb
            tb = tb.tb_next
        if found is None:
            return None
        import linecache

        code = found.tb_frame.f_code
        text = linecache.getline(code.co_filename, found.tb_lineno).strip()
        return [os.path.basename(code.co_filename), found.tb_lineno, code.co_name, text]

    real_excepthook = sys.excepthook
    spy_file = os.path.abspath(__file__)

    def as_on_their_computer(tb):
        """The traceback without the spy's own frames at its end (an error the spy raised as
        the student's computer would, a gaierror): it ends at the student's line, as there."""
        kept, node = None, tb
        while node is not None:
            if os.path.abspath(node.tb_frame.f_code.co_filename) != spy_file:
                kept = node
            node = node.tb_next
        if kept is not None:
            kept.tb_next = None
        return tb

    def excepthook(kind, value, tb):
        if not issubclass(kind, KeyboardInterrupt):
            emit("exception", type=kind.__name__, message=str(value)[:500], where=where(tb),
                 errno=getattr(value, "errno", None))
        real_excepthook(kind, value, as_on_their_computer(tb))

    sys.excepthook = excepthook

    import threading

    real_thread_hook = threading.excepthook

    def thread_excepthook(hook_args):
        emit(
            "exception",
            type=hook_args.exc_type.__name__,
            message=str(hook_args.exc_value)[:500],
            where=where(hook_args.exc_traceback),
            errno=getattr(hook_args.exc_value, "errno", None),
            thread=getattr(hook_args.thread, "name", None),
        )
        real_thread_hook(hook_args)

    threading.excepthook = thread_excepthook

    system = (*not_student, "/proc/", "/dev/", "/sys/", "/usr/", "/etc/", "/lib")
    code_files = (".py", ".pyc", ".so", ".pth")

    def audit(event, args):
        """open() of a file of the student's (not Python's own modules): where it reads and
        writes, so the grader can name a file written outside the working directory, and a
        picture read from a path that only existed on the student's computer."""
        if event != "open" or budget["open"] <= 0:
            return
        try:
            path, mode, flags = args
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if not isinstance(path, str):
                return  # a file descriptor
            full = os.path.abspath(path)
            if full.startswith(system) or full.endswith(code_files):
                return
            if isinstance(mode, str):
                write = any(letter in mode for letter in "wax+")
            else:
                write = bool((flags or 0) & (os.O_WRONLY | os.O_RDWR))
            budget["open"] -= 1
            emit("open", path=full, given=path, write=write)
        except Exception:
            pass  # an audit hook that raises would break the student's open()

    sys.addaudithook(audit)
    emit("start", argv=sys.argv[:4])


_CONFIG = os.environ.get("NETGRADER_SPY")  # "fd=5 mode=netns udp=127.0.0.1:8888"
if _CONFIG:
    try:
        _install(dict(item.split("=", 1) for item in _CONFIG.split()))
    except Exception as _exc:  # the spy must never stop a student's program from running
        try:
            os.write(2, f"netgrader spy disabled: {_exc!r}\n".encode())
        except OSError:
            pass
