"""The grader's reference servers, for checks of a student's client: they answer as the
handout's server would and record exactly what the client sent."""

from __future__ import annotations

import functools
import os
import select
import socket
import threading
import time
from pathlib import Path

from .errors import CheckFailed
from .expect import POLL_SECONDS, blocked_in_recv, decode, explain, file_mismatch, lines_mismatch, lines_of, other_encoding, text_lines
from .results import Message

SYNC_MARKER = b"\x00netgrader-sync\x00"
PAUSE_SECONDS = 0.01  # a gap between two reads of a client that sleeps: a pause it made on purpose


def load_table(path: Path) -> dict[str, str]:
    """A `word  explanation` file as a dict, as the course's dictionary server reads it. The
    same file (each grading's copy of the fixture) is parsed once per process: a grader's
    gradings share the parse, never the dict (each peer gets its own)."""
    return dict(_parse_table(path.read_bytes()))


@functools.lru_cache(maxsize=4)
def _parse_table(data: bytes) -> dict[str, str]:
    table = {}
    for line in data.decode("utf-8").splitlines():
        word, _, meaning = line.strip().partition(" ")
        if word:
            table.setdefault(word, meaning.strip())
    return table


class Peer:
    """What both reference servers share: how they answer, their thread, their clean-up."""

    kind = socket.SOCK_DGRAM

    def __init__(self, sandbox, port_name: str, reply: str, text, table, missing: str, silent_on: tuple):
        network = sandbox.network
        port = sandbox.exercise.ports[port_name]
        self.reply, self.text, self.table, self.missing, self.silent_on = reply, text, table, missing, silent_on
        self.encoding = sandbox.exercise.encoding  # of its text: gbk for the handout's Windows tool
        self.sent = bytearray()  # what it answered, as it went on the wire (the first SENT_KEPT bytes)
        self.sock = network.socket(socket.AF_INET, self.kind)
        try:
            self.sock.bind((network.peer_host, network.peer_port(port.port)))
            if self.kind == socket.SOCK_STREAM:
                self.sock.listen(16)
        except OSError:
            self.sock.close()
            raise
        self.address = ("127.0.0.1", self.sock.getsockname()[1])
        self.sandbox = sandbox
        self.changed = threading.Condition()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, name=f"peer-{port_name}", daemon=True)
        self._thread.start()
        sandbox.on_close(self.close)

    SENT_KEPT = 64 * 1024  # bytes of its answers kept, to tell what it said

    def could_say(self, text: str) -> bool:
        """`text` is something this peer answers with (its reply, a word of its table, its
        answer to what it does not know), or it echoes."""
        said = [self.text or "", *(self.table or {}).values(), self.missing or ""] if self.reply != "echo" else []
        return self.reply == "echo" or any(text and text in answer for answer in said)

    def said(self, text: str) -> bool:
        """This peer sent `text` during the check: what a client printed was received."""
        with self.changed:
            sent = bytes(self.sent)
        return text.encode(self.encoding) in sent or text.encode("utf-8") in sent

    def _sent(self, answer: bytes) -> None:
        with self.changed:
            self.sent += answer[: max(0, self.SENT_KEPT - len(self.sent))]

    def answer(self, data: bytes) -> bytes | None:
        text = decode(data, self.encoding)
        if self.reply == "none" or (text is not None and text in self.silent_on):
            return None
        if self.reply == "echo":
            return data
        if self.reply == "text":
            return self.text.encode(self.encoding)
        if self.reply == "keywords":  # the Q&A bot: the first keyword the question contains
            answer = next((answer for key, answer in self.table.items() if key in (text or "")), self.missing)
            return answer.encode(self.encoding)
        word = (text or "").strip()
        return self.table.get(word, self.missing).encode(self.encoding)

    def sender(self, role: str):
        """The student process that talks to this peer: the one of `role`, or the only one."""
        processes = self.sandbox.processes
        return processes.get(role) or (next(iter(processes.values())) if len(processes) == 1 else None)

    def mismatch(self, equals: list[str], got: list[bytes], process) -> CheckFailed:
        """What the client sent is not what was typed: in the other encoding (gbk for utf-8, or
        the other way round), or just different."""
        used = other_encoding(self.encoding)
        head = got[: len(equals)]
        if [decode(item, self.encoding) for item in head] != list(equals) and [decode(item, used) for item in head] == list(equals):
            script = process.script.name if process is not None else "client"
            return CheckFailed("encoding_mismatch", used=used, encoding=self.encoding, script=script,
                               detail=Message("detail.sent", {"got": got[0]}), variant="sent")
        sent, wanted = b"".join(got), "".join(equals).encode(self.encoding)
        if process is not None and not process.running and len(sent) < len(wanted) and wanted.startswith(sent):
            return explain(process, "wrong_data", exited_kind="exited", expected=list(equals), actual=got, sent_only=sent)
        return CheckFailed("wrong_data", expected=list(equals), actual=got)

    def _serve(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._wake_w.send(b"x")
        self._thread.join(timeout=2)
        for sock in (self.sock, self._wake_r, self._wake_w):
            sock.close()


class UdpPeer(Peer):
    """The grader's reference UDP server, for checks of the student's client."""

    def __init__(self, *args, **kwargs):
        self.received: list[bytes] = []
        self._marker: bytes | None = None
        super().__init__(*args, **kwargs)

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
                self._sent(answer)  # before it goes: the client may print it before this thread runs again
                try:
                    self.sock.sendto(answer, sender)
                except OSError:
                    pass

    def expect_received(self, equals: list[str], allow_extra=(), within: float = 3.0, client: str = "client") -> None:
        wanted = [line.encode(self.encoding) for line in equals]
        extra = {line.encode(self.encoding) for line in allow_extra}
        process = self.sender(client)
        with self.sandbox.step("received", expected=list(equals)) as record:
            deadline = time.monotonic() + within
            with self.changed:
                while len(self.received) < len(wanted) and time.monotonic() < deadline:
                    if process is not None and not process.running and len(self.received) < len(wanted):
                        break
                    self.changed.wait(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            got = self.sync()
            head, tail = got[: len(wanted)], got[len(wanted):]
            if not got:
                raise explain(process, "not_sent", exited_kind="not_sent", within=within, expected=list(equals))
            if head != wanted or any(item not in extra for item in tail):
                raise self.mismatch(equals, got, process)
            record.note = Message("note.received", {"count": len(got)})

    def sync(self, within: float = 2.0) -> list[bytes]:
        """Everything received so far, including datagrams still queued in the socket.

        A client that sent and exited at once may leave its last datagram unread by the
        serving thread. A marker datagram sent now queues behind it (a socket's queue is
        FIFO), so once the thread has seen the marker it has seen everything before it."""
        marker = SYNC_MARKER + os.urandom(8)
        with self.changed:
            self._marker = marker
        with self.sandbox.network.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(marker, self.address)
        with self.changed:
            self.changed.wait_for(lambda: self._marker is None, within)
            return list(self.received)


class TcpPeer(Peer):
    """The grader's reference TCP server: answers each chunk a client sends and records the
    whole stream (TCP keeps no message boundaries, so what counts is the bytes in order)."""

    kind = socket.SOCK_STREAM

    def __init__(self, *args, **kwargs):
        self.received = bytearray()
        self.arrivals: list[tuple[float, int]] = []  # (when, where in `received` it ended) of each read
        self.open_connections = 0
        self.connections_seen = 0
        self._marker: tuple | None = None
        super().__init__(*args, **kwargs)

    def _serve(self) -> None:
        connections: list[socket.socket] = []
        try:
            while True:
                ready, _, _ = select.select([self.sock, self._wake_r, *connections], [], [])
                if self._wake_r in ready:
                    return
                for sock in ready:
                    if sock is self.sock:
                        connection, sender = self.sock.accept()
                        if sender == self._marker:
                            connection.close()
                            with self.changed:
                                self._marker = None
                                self.changed.notify_all()
                            continue
                        connections.append(connection)
                        with self.changed:
                            self.open_connections += 1
                            self.connections_seen += 1
                        continue
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        data = b""
                    with self.changed:
                        if data:
                            self.received += data
                            self.arrivals.append((time.monotonic(), len(self.received)))
                        else:
                            self.open_connections -= 1
                        self.changed.notify_all()
                    if not data:
                        connections.remove(sock)
                        sock.close()
                        continue
                    answer = self.answer(data)
                    if answer is not None:
                        self._sent(answer)  # before it goes (see UdpPeer)
                        try:
                            sock.sendall(answer)
                        except OSError:
                            pass
        finally:
            for sock in connections:
                sock.close()

    def received_when(self, enough, process, within: float) -> bytes:
        """The stream received once `enough()` holds, or once the client has exited and all it
        sent has been read (or when time runs out)."""
        deadline = time.monotonic() + within
        with self.changed:
            while not enough() and time.monotonic() < deadline:
                if process is not None and not process.running:
                    break
                self.changed.wait(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        if process is not None and not process.running and not enough():
            self.drain(max(0.5, deadline - time.monotonic()))
        with self.changed:
            return bytes(self.received)

    def drain(self, within: float) -> None:
        """Wait until every connection of a client that has exited is accepted and read to its end.

        A client that connects, sends and exits at once may leave its connection in the accept
        queue. A marker connection made now queues behind it (the queue is FIFO), so once the
        serving thread has accepted the marker, it has accepted everything before it; each of
        those then reads to its end, as its client is gone."""
        with self.sandbox.network.socket(socket.AF_INET, socket.SOCK_STREAM) as marker:
            marker.bind((self.address[0], 0))
            with self.changed:
                self._marker = marker.getsockname()
            marker.settimeout(within)
            try:
                marker.connect(self.address)
            except OSError:
                return
            with self.changed:
                self.changed.wait_for(lambda: self._marker is None and self.open_connections == 0, within)

    def expect_received(self, equals: list[str], allow_extra=(), within: float = 3.0, client: str = "client") -> None:
        wanted = "".join(equals).encode(self.encoding)
        extra = [line.encode(self.encoding) for line in allow_extra if line]
        process = self.sender(client)
        with self.sandbox.step("received", expected=list(equals)) as record:
            got = self.received_when(lambda: len(self.received) >= len(wanted), process, within)
            if not got:
                raise explain(process, "not_sent", exited_kind="not_sent", within=within, expected=list(equals))
            rest = got[len(wanted):]
            while rest and any(rest.startswith(item) for item in extra):
                rest = rest[len(next(item for item in extra if rest.startswith(item))):]
            if not got.startswith(wanted) or rest:
                raise self.mismatch(["".join(equals)], [got], process)
            record.note = Message("note.received_bytes", {"count": len(got)})

    def expect_received_file(self, name: str, data: bytes, within: float = 5.0, client: str = "client") -> None:
        """The client sent exactly the bytes of the file `name`, then closed its connection."""
        process = self.sender(client)
        with self.sandbox.step("received_file", file=name, size=len(data)) as record:
            got = self.received_when(lambda: self.connections_seen and self.open_connections == 0, process, within)
            if not got:
                raise explain(process, "not_sent", exited_kind="not_sent", within=within, expected=[name])
            if got != data:
                kind, params = file_mismatch(name, got, data)
                if process is not None and process.running:  # and then waits for an answer nobody sends?
                    params["waiting_recv"] = blocked_in_recv(process)
                if kind == "file_appended":  # one upload here: the extra bytes came before the file
                    extra = got[: len(got) - len(data)]
                    raise CheckFailed("sent_before_file", **params, extra=extra, extra_size=len(extra))
                raise CheckFailed("sent_incomplete" if kind == "file_incomplete" else kind, **params)
            record.note = Message("note.received_bytes", {"count": len(got)})

    def expect_received_lines(self, equals: list[str], marker: str | None = None, within: float = 3.0,
                              client: str = "client") -> None:
        """The client sent these lines (read as a teacher reads them), `marker` last."""
        wanted = text_lines("\n".join(equals))
        process = self.sender(client)
        with self.sandbox.step("received_lines", expected=list(equals)) as record:
            got = self.received_when(lambda: lines_of(bytes(self.received)) == wanted, process, within)
            if not got:
                raise explain(process, "not_sent", exited_kind="not_sent", within=within, expected=list(equals))
            lines = lines_of(got)
            kind = lines_mismatch(wanted, lines, marker)
            if kind is not None and self._paced(process) and lines_mismatch(wanted, self.paced_lines(), marker) is None:
                self.sandbox.warn("warn.paced_records", script=process.script.name)
                kind = None
            if kind is not None:
                raise CheckFailed(kind, where=Message("where.received"), expected=wanted, actual=lines, stream=got,
                                  count=len(lines), expected_count=len(wanted), marker=(marker or "").encode(),
                                  variant="client")
            record.note = Message("note.received_bytes", {"count": len(got)})

    @staticmethod
    def _paced(process) -> bool:
        """The client paused on purpose (it called time.sleep): the course's second remedy for
        glued messages, 控制发送的速度. A client that never sleeps gets no benefit from a pause
        the machine's load happened to make."""
        return process is not None and bool(process.events_of("sleep"))

    def paced_lines(self) -> list[str]:
        """The lines as a server reads them when each pause of the client ends a message: what
        arrived together, split at its newlines, one piece per pause."""
        with self.changed:
            arrivals, received = list(self.arrivals), bytes(self.received)
        cuts, last = [0], None
        for when, end in arrivals:
            if last is not None and when - last[0] >= PAUSE_SECONDS:
                cuts.append(last[1])
            last = (when, end)
        cuts.append(len(received))
        return [line for start, end in zip(cuts, cuts[1:]) for line in lines_of(received[start:end])]

