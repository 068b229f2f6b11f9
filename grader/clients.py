"""The grader's own clients of a student's server: each sends what a step says and expects
the server's answer within a time limit, and explains a silence by what the server did."""

from __future__ import annotations

import errno
import select
import socket
import time
from .errors import CheckFailed
from .expect import POLL_SECONDS, SETTLE_SECONDS, Expect, decode, explain
from .process import StudentProcess
from .results import Message

PACE_SECONDS = 0.001  # how often a paced upload looks whether the server has read the last segment


def mismatch(expect: Expect, data: bytes, text: str | None, stream: bool = False, sent: bytes = b"") -> CheckFailed:
    """Why a reply is not the expected one: cut short by a receive buffer (a datagram; on a
    stream the grader waited for the rest), not UTF-8 (GBK?), or just different."""
    if expect.equals is not None and not stream:
        wanted = expect.equals.encode("utf-8")
        if data and wanted.startswith(data) and len(data) < len(wanted):
            return CheckFailed("truncated", size=len(data), expected_size=len(wanted), actual=data)
    if stream and expect.said_more(text):
        return CheckFailed("said_more", actual=data)  # the answer, then something else
    if text is None:
        try:
            as_gbk = data.decode("gbk")
        except UnicodeDecodeError:
            as_gbk = None
        return CheckFailed("not_utf8", actual=data, gbk_text=as_gbk)
    echoed = sent.strip() and data.strip() == sent.strip()
    variant = "echoed" if echoed else "read" if expect.equals is None else None  # None: the byte-for-byte hint
    return CheckFailed("wrong_reply", how=expect.params()["how"], expected=expect.params()["value"], actual=data,
                       variant=variant)


def accepted(sandbox, expect: Expect, text: str | None) -> bool:
    """The reply passes: as expected, or a close variant of it, which warns naming both."""
    if expect.test(text):
        return True
    if expect.close(text):
        sandbox.warn("warn.close_text", expected=expect.says.encode(), got=text.encode())
        return True
    return False


class Clients:
    """The grader's clients of one check, by name, and where the student's servers listen:
    what a client needs to know of the others (is another one still connected?) and of the
    check (its sandbox, the address of a port, the process serving it)."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.by_name: dict = {}
        self.listeners: dict[str, StudentProcess] = {}  # port name -> the process listening there

    def address(self, port_name: str) -> tuple[str, int]:
        """Where the student's server for this port listens."""
        if port_name in self.sandbox.addresses:
            return self.sandbox.addresses[port_name]
        return ("127.0.0.1", self.sandbox.exercise.ports[port_name].port)

    def server_of(self, port_name: str) -> StudentProcess | None:
        """The student process that listens on this port (or plays the server role)."""
        return self.listeners.get(port_name) or self.sandbox.processes.get("server")

    def connected(self, port_name: str, besides: str = "") -> list["TcpClient"]:
        """The grader's other TCP clients still connected to this port's server."""
        return [c for name, c in self.by_name.items() if name != besides and isinstance(c, TcpClient)
                and c.port_name == port_name and c.sock is not None and c.sock.fileno() != -1
                and not c.closed_by_server]

    def connected_to(self, process) -> list["TcpClient"]:
        """The grader's TCP clients still connected to this student process's servers."""
        return [client for name, port in self.sandbox.exercise.ports.items() if self.server_of(name) is process
                for client in self.connected(name)]


def client_address(name: str) -> str:
    """Where a grader's UDP client sends from: a from 127.0.0.1, b from 127.0.0.2, ... A server
    that replies to a fixed address instead of the one recvfrom() returned is caught out."""
    number = ord(name[0]) - ord("a") + 1 if len(name) == 1 and "a" <= name <= "z" else 1
    return f"127.0.0.{number}"


class UdpClient:
    """A grader-side UDP socket that talks to the student's server."""

    def __init__(self, clients: Clients, port_name: str, name: str):
        self.clients = clients
        self.sandbox = clients.sandbox
        self.port_name = port_name
        self.name = name
        self.sock = self.sandbox.network.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((client_address(name), 0))
        self.sandbox.on_close(self.sock.close)
        self.sent_at = 0.0
        self.last_sent = b""
        self.last_sender: tuple[str, int] | None = None  # where the last reply came from

    def send(self, data: bytes | str) -> "UdpClient":
        data = data.encode("utf-8") if isinstance(data, str) else data
        target = self.clients.address(self.port_name)
        with self.sandbox.step("send", data=data, dest=f"{target[0]}:{target[1]}", client=self.name) as record:
            self.sent_at = time.monotonic()
            self.last_sent = data
            self.sock.sendto(data, target)
            record.note = Message("note.ok")
        return self

    def _server(self) -> StudentProcess | None:
        return self.clients.server_of(self.port_name)

    def _receive(self, deadline: float) -> bytes | None:
        """The next datagram, or None when the deadline passes or the server has died."""
        server = self._server()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], min(POLL_SECONDS, remaining))
            if not ready and server is not None and not server.running:
                ready, _, _ = select.select([self.sock], [], [], 0)  # a reply sent just before it died
                if not ready:
                    return None
            if ready:
                data, self.last_sender = self.sock.recvfrom(65536)
                return data

    def expect_reply(self, equals=None, contains=None, matches=None, says=None, means=None,
                     within: float = 2.0) -> bytes:
        """The next reply: see Expect for what each way of expecting accepts."""
        expect = Expect(equals, contains, matches, says, means)
        with self.sandbox.step("reply", client=self.name, **expect.params()) as record:
            data = self._receive(time.monotonic() + within)
            if data is None:
                raise self._silence(within)
            text = decode(data)
            if accepted(self.sandbox, expect, text):
                record.note = Message("note.got", {"data": data})
                return data
            raise mismatch(expect, data, text, sent=self.last_sent)

    def _silence(self, within: float) -> CheckFailed:
        server = self._server()
        if server is not None:
            own_host, own_port = self.sock.getsockname()[:2]
            astray = [event.requested[:2] for event in server.events_of("sendto") if event.t >= self.sent_at]
            astray = [(host, port) for host, port in astray if port != own_port or host not in (own_host, "::ffff:" + own_host)]
            if astray:  # the one meant for this client (its port, another address) if there is one
                host, port = next(((h, p) for h, p in astray if p == own_port), astray[0])
                return CheckFailed("reply_to_wrong_address", sent_to=f"{host}:{port}", expected=f"{own_host}:{own_port}")
        prompt = server.last_prompt if server is not None and server.waiting_for_input else None
        return explain(server, "no_reply", since=self.sent_at, within=within, sent=self.last_sent, prompt=prompt)


class TcpClient:
    """A grader-side TCP connection to the student's server. The stream has no message
    boundaries: a reply is read until it is what was expected, the server closes, or time
    runs out."""

    def __init__(self, clients: Clients, port_name: str, name: str):
        self.clients = clients
        self.sandbox = clients.sandbox
        self.port_name = port_name
        self.name = name
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.closed_by_server = False
        self.sent_at = 0.0
        self.last_sent = b""
        self.sent = 0  # bytes of the current send or upload that went out
        self.uploaded = b""
        self.answer_open = False  # its last answer has no end: an HTTP response without Content-Length or close

    def _dest(self) -> str:
        host, port = self.clients.address(self.port_name)
        return f"{host}:{port}"

    def connect(self, within: float = 3.0) -> "TcpClient":
        server = self.clients.server_of(self.port_name)
        with self.sandbox.step("connect", dest=self._dest(), client=self.name) as record:
            sock = self.sandbox.network.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sandbox.on_close(sock.close)
            sock.settimeout(within)
            try:
                sock.connect(self.clients.address(self.port_name))
            except OSError as exc:
                raise explain(server, "refused", dest=self._dest(), error=exc.strerror or str(exc)) from None
            sock.settimeout(10.0)  # sendall to a server that does not read ends, and says so
            self.sock = sock
            record.note = Message("note.ok")
        return self

    def send(self, data: bytes | str, chunk: int | None = None, paced: bool = False,
             characters: bool = False) -> "TcpClient":
        """Send `data` on this connection: at once, or in segments of `chunk` bytes (of `chunk`
        characters with `characters`: a piece never cuts a character in two)."""
        data = data.encode("utf-8") if isinstance(data, str) else data
        if self.sock is None:
            self.connect()
        if characters and chunk:
            text = data.decode("utf-8")
            segments = [text[i:i + chunk].encode("utf-8") for i in range(0, len(text), chunk)]
        else:
            size = chunk or len(data) or 1
            segments = [data[i:i + size] for i in range(0, len(data), size)]
        kind = "send_characters" if characters and len(segments) > 1 else "send_pieces" if len(segments) > 1 else "send"
        with self.sandbox.step(kind, data=data, chunk=chunk, dest=self._dest(), client=self.name) as record:
            self.sent_at = time.monotonic()
            self.last_sent = data
            try:
                self._send_segments(segments, paced)
            except OSError as exc:
                raise explain(self.clients.server_of(self.port_name), "send_failed",
                              error=exc.strerror or str(exc)) from None
            record.note = Message("note.ok")
        return self

    def _send_segments(self, segments: list[bytes], paced: bool) -> None:
        """Send each segment as its own TCP segment (Nagle is off). `paced`: before each one,
        wait until the server has read what came before and sleeps again, so every segment
        arrives alone however loaded the machine is. The bytes sent so far are kept in
        self.sent (for the message when the server hangs up early)."""
        server = self.clients.server_of(self.port_name)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sent = 0
        for segment in segments:
            if paced and server is not None:  # a server that never sleeps is not waited for again
                paced = server.settle(2.0, poll=PACE_SECONDS)
            self.sock.sendall(segment)
            self.sent += len(segment)

    def _fill(self, deadline: float) -> bool:
        """Read what arrives next into the buffer; False when nothing came in time or the
        server died, or when the server closed the connection."""
        server = self.clients.server_of(self.port_name)
        while True:  # one look at least, even when the deadline has passed
            remaining = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.sock], [], [], min(POLL_SECONDS, remaining))
            if not ready and (remaining <= 0 or (server is not None and not server.running)):
                ready, _, _ = select.select([self.sock], [], [], 0)
                if not ready:
                    return False
            if ready:
                try:
                    data = self.sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self.closed_by_server = True
                    return False
                self.buffer += data
                return True

    def expect_reply(self, equals=None, contains=None, matches=None, says=None, means=None,
                     within: float = 2.0) -> bytes:
        """The next reply: see Expect for what each way of expecting accepts."""
        expect = Expect(equals, contains, matches, says, means)
        with self.sandbox.step("reply", client=self.name, **expect.params()) as record:
            deadline = time.monotonic() + within
            while not expect.test(decode(bytes(self.buffer))):
                if expect.size is not None and len(self.buffer) >= expect.size:
                    break
                if self.closed_by_server or not self._fill(deadline):
                    break
            data = bytes(self.buffer)
            self.buffer.clear()
            if accepted(self.sandbox, expect, decode(data)):  # how long it took: the proof of a prompt server
                secs = f"{time.monotonic() - self.sent_at:.3f}"
                record.note = Message("note.got_after", {"data": data, "secs": secs})
                return data
            if not data:
                raise self._silence(within)
            raise mismatch(expect, data, decode(data), stream=True, sent=self.last_sent)

    def _silence(self, within: float) -> CheckFailed:
        server = self.clients.server_of(self.port_name)
        if self.closed_by_server and server is not None:  # closing because it is ending? let it finish
            server.settle(SETTLE_SECONDS, poll=POLL_SECONDS)
            server.sync_events()
        if self.closed_by_server and (server is None or (server.running and not server.events_of("exception"))):
            return CheckFailed("closed_early", sent=self.last_sent)
        others = self.clients.connected(self.port_name, besides=self.name)
        unended = [other.name for other in others if other.answer_open]
        if unended and server is not None and server.running:
            return CheckFailed("response_never_ends", client=self.name, others=", ".join(unended))
        if others and server is not None and server.running:
            return self._serial(others, within)
        prompt = server.last_prompt if server is not None and server.waiting_for_input else None
        return explain(server, "no_reply", since=self.sent_at, within=within, sent=self.last_sent, prompt=prompt)

    def _serial(self, others: list["TcpClient"], within: float) -> CheckFailed:
        """No answer while other clients stay connected: hang them up and see whether the
        answer comes then. If it does, the server serves one client at a time."""
        for other in others:
            other.sock.close()
        self._fill(time.monotonic() + max(within, 2.0))
        names = ", ".join(other.name for other in others)
        if not self.buffer:  # not even then
            server = self.clients.server_of(self.port_name)
            if self.closed_by_server and server is not None:
                server.wait_exit(SETTLE_SECONDS)  # reset unanswered: its listening socket closed, it is ending
            return explain(server, "no_reply", since=self.sent_at, within=within, sent=self.last_sent)
        waited = f"{time.monotonic() - self.sent_at:.2f}"
        return CheckFailed("serial_server", client=self.name, others=names, within=within, waited=waited,
                           actual=bytes(self.buffer))

    def expect_nothing_more(self, within: float = 2.0) -> None:
        """After its answer the server sends nothing else: once it waits again (or `within`
        passes), no more bytes have arrived."""
        server = self.clients.server_of(self.port_name)
        with self.sandbox.step("nothing_more", client=self.name) as record:
            if server is not None:
                server.settle(within, poll=PACE_SECONDS)
            else:
                self._fill(time.monotonic() + within)
            while self._fill(time.monotonic()):
                pass
            extra = bytes(self.buffer)
            self.buffer.clear()
            if extra.strip():  # a newline after the answer is not a second answer
                raise CheckFailed("said_more", actual=extra)
            record.note = Message("note.ok")

    def expect_closed(self, within: float = 3.0) -> None:
        """The server ends this connection (reads return end of stream)."""
        with self.sandbox.step("closed", client=self.name) as record:
            deadline = time.monotonic() + within
            while not self.closed_by_server:
                if not self._fill(deadline) and not self.closed_by_server:
                    raise explain(self.clients.server_of(self.port_name), "not_closed", exited_kind="exited",
                                  within=within)
            record.note = Message("note.ok")

    def upload(self, data: bytes, chunk: int = 65536, paced: bool = False, within: float = 10.0) -> "TcpClient":
        """Send a whole file as a client does, then close the sending side so the server
        reads the end (recv returns b'')."""
        if self.sock is None:
            self.connect()
        self.uploaded = data
        kind = "upload_pieces" if chunk < len(data) else "upload"
        with self.sandbox.step(kind, size=len(data), chunk=chunk, dest=self._dest(), client=self.name) as record:
            self.sock.settimeout(within)
            try:
                self._send_segments([data[i:i + chunk] for i in range(0, len(data), chunk)], paced)
                self.sock.shutdown(socket.SHUT_WR)
            except OSError as exc:
                server = self.clients.server_of(self.port_name)
                if exc.errno in (errno.ECONNRESET, errno.EPIPE):
                    raise explain(server, "upload_cut", exited_kind="upload_cut", sent=self.sent, size=len(data)) from None
                raise explain(server, "send_failed", error=exc.strerror or str(exc)) from None
            record.note = Message("note.ok")
        return self

    def close(self) -> None:
        """The grader's side hangs up, as a client that quits would."""
        with self.sandbox.step("hang_up", client=self.name) as record:
            if self.sock is not None:
                self.sock.close()
            record.note = Message("note.ok")
