"""The probe API a check is written against: start the student's scripts, talk to them over
the network, play the reference side, and expect things to happen within a time limit.

YAML steps (grader/steps.py) are one call each on this API, and a teacher's pytest check
uses it directly:

    def test_server_answers(probe):
        server = probe.start_student("server")
        server.expect_listening("dict", within=3)
        probe.udp("dict").send("hello").expect_reply(contains="int. 喂", within=2)
        server.expect_alive()

Every expectation waits for its event, never for a fixed time, and when it fails it raises
CheckFailed with the most specific cause it can prove: the server crashed with KeyError at
line 12, or it sent its reply to the wrong port, rather than just "no reply".
"""

from __future__ import annotations

import os
import re
import select
import socket
import threading
import time
from pathlib import Path

from .errors import CheckFailed
from .process import StudentProcess
from .results import Message
from .sandbox import Sandbox

LOCAL_HOSTS = ("", "0.0.0.0", "127.0.0.1", "localhost", "::", "::1")
POLL = 0.02  # how often a wait re-checks a process that may have died meanwhile
SETTLE = 3  # polls in a row a process must sleep to count as settled without a spy event
SYNC_MARKER = b"\x00netgrader-sync\x00"


def decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


class Expect:
    """What a text must be: equal to, containing, or matching a pattern."""

    def __init__(self, equals: str | None = None, contains=None, matches: str | None = None):
        self.equals = equals
        self.contains = [contains] if isinstance(contains, str) else list(contains or [])
        self.matches = matches

    def test(self, text: str | None) -> bool:
        if text is None:
            return False
        if self.equals is not None and text != self.equals:
            return False
        if not all(part in text for part in self.contains):
            return False
        return self.matches is None or re.search(self.matches, text) is not None

    def params(self) -> dict:
        if self.equals is not None:
            how, value = "equals", self.equals
        elif self.contains:
            how, value = "contains", " + ".join(self.contains)
        elif self.matches is not None:
            how, value = "matches", self.matches
        else:
            how, value = "any", ""
        return {"how": Message(f"how.{how}"), "value": value}


def explain(process: StudentProcess | None, kind: str, since: float = 0.0, exited_kind: str = "exited",
            **params) -> CheckFailed:
    """A failure of `kind`, unless the process's own fate explains it better: an uncaught
    exception (crashed, or decode_error for a character cut by a receive buffer), or an exit
    (`exited_kind`; a client that ends is not always at fault)."""
    if process is None:
        return CheckFailed(kind, **params)
    params.setdefault("script", process.script.name)
    exception = next((e for e in reversed(process.events_of("exception")) if e["t"] >= since), None)
    if exception is None and not process.running:
        exception = process.exception
    if exception is not None:
        where = exception.get("where") or [None, None, None, ""]
        params.update(
            exc_type=exception["type"],
            exc_message=exception["message"],
            exc_line=where[1],
            exc_code=where[3],
            status=process.returncode,
            in_thread=bool(exception.get("thread")),
        )
        return CheckFailed("decode_error" if exception["type"] == "UnicodeDecodeError" else "crashed", cause=kind, **params)
    if not process.running:
        return CheckFailed(exited_kind, cause=kind, status=process.returncode, **params)
    return CheckFailed(kind, **params)


class Probe:
    """One check's view of its sandbox."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.listeners: dict[str, Student] = {}
        self._clients: dict[str, UdpClient] = {}

    @property
    def exercise(self):
        return self.sandbox.exercise

    def start_student(self, role: str, stdin=(), eof: bool = False) -> "Student":
        script = self.sandbox.submission.files.get(role) or Path(self.exercise.files[role])
        with self.sandbox.step("start", script=script.name, stdin=list(stdin), eof=eof) as record:
            process = self.sandbox.start_student(role, stdin, eof)
            record.note = Message("note.running", {"pid": process.pid})
        return Student(self, process)

    def student(self, role: str) -> "Student":
        process = self.sandbox.processes.get(role)
        if process is None:
            raise RuntimeError(f"no {role} was started in this check")
        return Student(self, process)

    def address(self, port_name: str) -> tuple[str, int]:
        """Where the student's server for this port listens."""
        if port_name in self.sandbox.addresses:
            return self.sandbox.addresses[port_name]
        return ("127.0.0.1", self.exercise.ports[port_name].port)

    def udp(self, port_name: str, name: str = "a") -> "UdpClient":
        """A grader-side UDP client of the student's server; each name has its own source port."""
        if name not in self._clients:
            self._clients[name] = UdpClient(self, port_name, name)
        client = self._clients[name]
        client.port_name = port_name
        return client

    def udp_client(self, name: str = "a") -> "UdpClient":
        """The client called `name` that already sent something."""
        if name not in self._clients:
            raise RuntimeError(f"no UDP client {name!r} has sent anything yet in this check")
        return self._clients[name]

    def peer(self, port_name: str, reply: str = "echo", text=None, file=None, missing="not found", silent_on=()):
        """A reference server the student's client talks to."""
        port = self.exercise.ports[port_name]
        table = None
        if reply == "lookup":
            table = load_table(self.sandbox.workdir / file if (self.sandbox.workdir / file).exists() else self.exercise.fixture_dir / file)
        with self.sandbox.step("peer", proto=port.proto, port=port.port, reply=Message(f"peer.{reply}")) as record:
            peer = UdpPeer(self, port_name, reply, text, table, missing, tuple(silent_on))
            record.note = Message("note.peer", {"address": f"{peer.address[0]}:{peer.address[1]}"})
        self.sandbox.peers[port_name] = peer
        return peer

    def finish(self) -> None:
        """Warn about every hard-coded destination a client used that the grader redirected."""
        for name, port in self.exercise.ports.items():
            if name not in self.sandbox.peers:
                continue
            for process in self.sandbox.processes.values():
                for event in process.events_of("sendto", "connect"):
                    if event.get("proto") != port.proto:
                        continue
                    host, number = event["requested"]
                    if number != port.port:
                        self.sandbox.warn("warn.client_other_port", script=process.script.name,
                                          expected=port.port, actual=number)
                    if host not in LOCAL_HOSTS:
                        self.sandbox.warn("warn.client_address", script=process.script.name, address=host)


    def close(self) -> None:
        self.sandbox.close()


class Student:
    """Expectations about one of the student's running scripts."""

    def __init__(self, probe: Probe, process: StudentProcess):
        self.probe = probe
        self.process = process
        self.sandbox = probe.sandbox
        self._idle_polls = 0

    def expect_listening(self, port_name: str, within: float = 3.0) -> tuple[str, int]:
        port = self.probe.exercise.ports[port_name]
        process = self.process
        wanted = "bind" if port.proto == "udp" else "listen"

        def ready():
            return [e for e in process.events if e["ev"] == wanted and e.get("proto") == port.proto]

        def requested(event):  # the address the program asked for (loopback mode moves it)
            bound = tuple(event["bound"])
            return next((tuple(e["requested"]) for e in process.events_of("bind") if tuple(e["bound"]) == bound), bound)

        def on_handout_port():
            return [e for e in ready() if requested(e)[1] == port.port]

        with self.sandbox.step("listening", proto=port.proto, port=port.port, script=process.script.name) as record:
            deadline = time.monotonic() + within
            process.wait_until(lambda: ready() or not process.running, within)
            if ready() and not on_handout_port():
                # Another port first: a program may open a helper socket before its server
                # socket. Once it waits on a socket, every socket it opens before serving is open.
                process.wait_until(lambda: on_handout_port() or not process.running or self.settled(),
                                   max(0.0, deadline - time.monotonic()), poll=POLL)
            found = on_handout_port() or ready()
            if not found:
                others = [f"{e['proto']} {e['bound'][1]}" for e in process.events_of("bind", "listen")]
                failure = explain(process, "not_listening", proto=port.proto, port=port.port, within=within,
                                  others=", ".join(others) or "-", prompt=self._prompt())
                raise failure
            event = found[0]
            bound = tuple(event["bound"])
            requested = requested(event)
            if requested[1] != port.port:
                if port.strict:
                    raise CheckFailed("wrong_port", proto=port.proto, expected=port.port, actual=requested[1])
                self.sandbox.warn("warn.other_port", proto=port.proto, expected=port.port, actual=requested[1])
            if requested[0] not in LOCAL_HOSTS:
                self.sandbox.warn("warn.lan_bind", address=requested[0], port=requested[1])
            host = bound[0] if bound[0] not in ("0.0.0.0", "::", "") else "127.0.0.1"
            address = (host, bound[1])
            self.sandbox.addresses[port_name] = address
            self.probe.listeners[port_name] = self
            record.note = Message("note.after", {"secs": round(event["t"] - process.started_at, 3), "port": bound[1]})
        return address

    def _prompt(self):
        return self.process.last_prompt if self.process.waiting_for_input else None

    def expect_alive(self) -> None:
        with self.sandbox.step("alive", script=self.process.script.name) as record:
            self.process.wait_until(lambda: not self.process.running or self.idle(), 1.0, poll=POLL)
            if not self.process.running or self.process.events_of("exception"):
                raise explain(self.process, "exited", since=0.0)
            record.note = Message("note.ok")

    def settled(self) -> bool:
        """The program waits to receive (the spy saw it), or has slept for SETTLE polls in a
        row (a program that waits in select/epoll, as asyncio does)."""
        if self.process.events_of("wait"):
            return True
        self._idle_polls = self._idle_polls + 1 if self.idle() else 0
        return self._idle_polls >= SETTLE

    def idle(self) -> bool:
        """True when every thread of the process sleeps (waits for input or the network)."""
        try:
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state not in ("S", "D", "t", "T"):
                    return False
        except OSError:
            return True  # gone: not busy
        return True

    def expect_exit(self, code: int | None = 0, within: float = 3.0) -> None:
        with self.sandbox.step("exit", script=self.process.script.name, code=code) as record:
            if not self.process.wait_exit(within):
                raise CheckFailed("did_not_exit", script=self.process.script.name, within=within, prompt=self._prompt())
            if code is not None and self.process.returncode != code:
                raise explain(self.process, "wrong_exit_status", exited_kind="wrong_exit_status", expected=code)
            record.note = Message("note.exited", {"status": self.process.returncode})

    def expect_stdout(self, contains=None, matches: str | None = None, within: float = 3.0) -> None:
        expect = Expect(contains=contains, matches=matches)
        process = self.process
        with self.sandbox.step("stdout", script=process.script.name, **expect.params()) as record:
            def seen():
                return expect.test(process.stdout.text())

            process.wait_until(lambda: seen() or not process.running, within)
            if not seen():
                shown = process.stdout.text().strip().splitlines()[-5:]
                raise explain(process, "wrong_output", expected=expect.params()["value"], how=expect.params()["how"],
                              got=" | ".join(shown) or "", within=within)
            record.note = Message("note.ok")

    def type(self, line: str) -> None:
        with self.sandbox.step("type", script=self.process.script.name, line=line):
            self.process.type(line)


class UdpClient:
    """A grader-side UDP socket that talks to the student's server."""

    def __init__(self, probe: Probe, port_name: str, name: str):
        self.probe = probe
        self.port_name = port_name
        self.name = name
        self.sock = probe.sandbox.network.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        probe.sandbox.on_close(self.sock.close)
        self.sent_at = 0.0
        self.last_sent = b""
        self.last_sender: tuple[str, int] | None = None  # where the last reply came from

    def send(self, data: bytes | str) -> "UdpClient":
        data = data.encode("utf-8") if isinstance(data, str) else data
        target = self.probe.address(self.port_name)
        with self.probe.sandbox.step("send", data=data, dest=f"{target[0]}:{target[1]}", client=self.name) as record:
            self.sent_at = time.monotonic()
            self.last_sent = data
            self.sock.sendto(data, target)
            record.note = Message("note.ok")
        return self

    def _server(self) -> StudentProcess | None:
        listener = self.probe.listeners.get(self.port_name)
        if listener is not None:
            return listener.process
        return self.probe.sandbox.processes.get("server")

    def _receive(self, deadline: float) -> bytes | None:
        """The next datagram, or None when the deadline passes or the server has died."""
        server = self._server()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], min(POLL, remaining))
            if not ready and server is not None and not server.running:
                ready, _, _ = select.select([self.sock], [], [], 0)  # a reply sent just before it died
                if not ready:
                    return None
            if ready:
                data, self.last_sender = self.sock.recvfrom(65536)
                return data

    def expect_reply(self, equals=None, contains=None, matches=None, within: float = 2.0) -> bytes:
        expect = Expect(equals, contains, matches)
        with self.probe.sandbox.step("reply", client=self.name, **expect.params()) as record:
            data = self._receive(time.monotonic() + within)
            if data is None:
                raise self._silence(within)
            text = decode(data)
            if expect.test(text):
                record.note = Message("note.got", {"data": data})
                return data
            raise self._mismatch(expect, data, text)

    def _mismatch(self, expect: Expect, data: bytes, text: str | None) -> CheckFailed:
        if expect.equals is not None:
            wanted = expect.equals.encode("utf-8")
            if data and wanted.startswith(data) and len(data) < len(wanted):
                return CheckFailed("truncated", got_bytes=len(data), expected_bytes=len(wanted), got=data)
        if text is None:
            try:
                as_gbk = data.decode("gbk")
            except UnicodeDecodeError:
                as_gbk = None
            return CheckFailed("not_utf8", got=data, gbk_text=as_gbk)
        return CheckFailed("wrong_reply", how=expect.params()["how"], expected=expect.params()["value"], got=data)

    def _silence(self, within: float) -> CheckFailed:
        server = self._server()
        if server is not None:
            own_port = self.sock.getsockname()[1]
            for event in server.events_of("sendto"):
                if event["t"] >= self.sent_at and event["requested"][1] != own_port:
                    host, port = event["requested"]
                    return CheckFailed("reply_to_wrong_address", sent_to=f"{host}:{port}",
                                       expected=f"127.0.0.1:{own_port}")
        prompt = server.last_prompt if server is not None and server.waiting_for_input else None
        return explain(server, "no_reply", since=self.sent_at, within=within, sent=self.last_sent, prompt=prompt)


def load_table(path: Path) -> dict[str, str]:
    """A `word  explanation` file as a dict, as the course's dictionary server reads it."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, meaning = line.strip().partition(" ")
        if word:
            table.setdefault(word, meaning.strip())
    return table


class UdpPeer:
    """The grader's reference UDP server, for checks of the student's client."""

    def __init__(self, probe: Probe, port_name: str, reply: str, text, table, missing: str, silent_on: tuple):
        network = probe.sandbox.network
        port = probe.exercise.ports[port_name]
        self.reply, self.text, self.table, self.missing, self.silent_on = reply, text, table, missing, silent_on
        self.sock = network.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.bind((network.peer_host, network.peer_port(port.port)))
        except OSError:
            self.sock.close()
            raise
        self.address = ("127.0.0.1", self.sock.getsockname()[1])
        self.probe = probe
        self.received: list[bytes] = []
        self._marker: bytes | None = None
        self.changed = threading.Condition()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, name=f"peer-{port_name}", daemon=True)
        self._thread.start()
        probe.sandbox.on_close(self.close)

    def answer(self, data: bytes) -> bytes | None:
        text = decode(data)
        if self.reply == "none" or (text is not None and text in self.silent_on):
            return None
        if self.reply == "echo":
            return data
        if self.reply == "text":
            return self.text.encode("utf-8")
        word = (text or "").strip()
        return self.table.get(word, self.missing).encode("utf-8")

    def _serve(self) -> None:
        while True:
            ready, _, _ = select.select([self.sock, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            try:
                data, sender = self.sock.recvfrom(65536)
            except OSError:
                return
            with self.changed:
                if data == self._marker:
                    self._marker = None
                    self.changed.notify_all()
                    continue
                self.received.append(data)
                self.changed.notify_all()
            answer = self.answer(data)
            if answer is not None:
                try:
                    self.sock.sendto(answer, sender)
                except OSError:
                    pass

    def expect_received(self, equals: list[str], allow_extra=(), within: float = 3.0, client: str = "client") -> None:
        wanted = [line.encode("utf-8") for line in equals]
        extra = {line.encode("utf-8") for line in allow_extra}
        process = self.probe.sandbox.processes.get(client)
        with self.probe.sandbox.step("received", expected=list(equals)) as record:
            deadline = time.monotonic() + within
            with self.changed:
                while len(self.received) < len(wanted) and time.monotonic() < deadline:
                    if process is not None and not process.running and len(self.received) < len(wanted):
                        break
                    self.changed.wait(min(POLL, max(0.0, deadline - time.monotonic())))
            got = self.sync()
            head, tail = got[: len(wanted)], got[len(wanted):]
            if not got:
                raise explain(process, "not_sent", exited_kind="not_sent", within=within, expected=list(equals))
            if head != wanted or any(item not in extra for item in tail):
                raise CheckFailed("wrong_data", expected=list(equals), got=got)
            record.note = Message("note.received", {"count": len(got)})

    def sync(self, within: float = 2.0) -> list[bytes]:
        """Everything received so far, including datagrams still queued in the socket.

        A client that sent and exited at once may leave its last datagram unread by the
        serving thread. A marker datagram sent now queues behind it (a socket's queue is
        FIFO), so once the thread has seen the marker it has seen everything before it."""
        marker = SYNC_MARKER + os.urandom(8)
        with self.changed:
            self._marker = marker
        with self.probe.sandbox.network.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(marker, self.address)
        with self.changed:
            self.changed.wait_for(lambda: self._marker is None, within)
            return list(self.received)

    def close(self) -> None:
        self._wake_w.send(b"x")
        self._thread.join(timeout=2)
        for sock in (self.sock, self._wake_r, self._wake_w):
            sock.close()
