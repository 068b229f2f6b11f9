"""A TCP relay inside a check's network: connections accepted on one socket are passed on,
both ways, to another end that the grader chooses, until either side closes.

Two uses. The browser's relay (grader/browser.py) hands the student's server only connections
that carry a request: Chromium opens speculative connections it may close unused, and a server
that accepts one connection then exits would, by chance, get an empty one. The database relay
(grader/database.py) listens on the handout's 127.0.0.1:3306 inside the check's namespace and
passes each connection to the grader's private MariaDB socket on the host; it keeps what the
checks ask afterwards: how many connections the program opened and which it closed.
"""

from __future__ import annotations

import select
import socket
import threading
from dataclasses import dataclass
from typing import Callable

TAIL = 8  # bytes of each client's last data kept: enough to see how it said goodbye


@dataclass
class Link:
    """One relayed connection, as the client used it."""

    tail: bytes = b""  # the client's last bytes before it closed (or so far)
    closed: bool = False  # the client closed it, or it broke


def listen(network, port: int, host: str = "127.0.0.1") -> socket.socket:
    """A TCP socket listening at host:port in the check's network (port 0: any free one)."""
    listener = network.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(64)
    except OSError:
        listener.close()
        raise
    return listener


def _readable(socks: list[socket.socket], timeout: float | None = None) -> list[socket.socket]:
    """The sockets with something to read (poll: select() stops at descriptor 1024, which a
    program opening connections in a loop reaches)."""
    poller = select.poll()
    by_fd = {}
    for sock in socks:
        poller.register(sock, select.POLLIN)
        by_fd[sock.fileno()] = sock
    return [by_fd[fd] for fd, _ in poller.poll(None if timeout is None else timeout * 1000)]


class Relay:
    def __init__(self, listener: socket.socket, connect: Callable[[], socket.socket], wait_for_data: bool = False,
                 on_reply: Callable[[bytes], None] | None = None):
        """`listener`: bound and listening. `connect`: opens the other end (OSError: refused,
        and the client sees its connection closed). `wait_for_data`: open the other end only
        once the client has sent something, and drop connections closed before that.
        `on_reply`: shown what the other end sends back (the database's error packets)."""
        self._listener, self._connect, self._wait_for_data = listener, connect, wait_for_data
        self._on_reply = on_reply
        self.port = listener.getsockname()[1]
        self.links: list[Link] = []
        self._wake_r, self._wake_w = socket.socketpair()
        self._synced = threading.Event()
        self._pending: set[socket.socket] = set()  # clients that sent nothing yet
        self._other: dict[socket.socket, socket.socket] = {}  # each side of a relayed pair
        self._link: dict[socket.socket, Link] = {}  # client side -> its record
        self._accepting = True
        self._thread = threading.Thread(target=self._serve, name="relay", daemon=True)
        self._thread.start()

    def sync(self, timeout: float = 2.0) -> None:
        """Return once everything already sent through the relay has been passed on (and
        recorded): what a check judges right after the program went idle is then complete."""
        self._synced.clear()
        self._wake_w.send(b"s")
        self._synced.wait(timeout)

    def _serve(self) -> None:
        while True:
            ready = _readable([*self._listening(), self._wake_r, *self._pending, *self._other])
            if self._wake_r in ready:
                if self._wake_r.recv(1) != b"s":
                    return
                self._drain()
                self._synced.set()
                continue
            self._handle(ready)

    def _listening(self) -> list[socket.socket]:
        return [self._listener] if self._accepting else []

    def _drain(self) -> None:
        while True:
            ready = _readable([*self._listening(), *self._pending, *self._other], timeout=0)
            if not ready:
                return
            self._handle(ready)

    def _handle(self, ready) -> None:
        for sock in ready:
            if sock is self._listener:
                self._accept()
            elif sock in self._pending or sock in self._other:
                self._forward(sock)

    def _accept(self) -> None:
        try:
            client = self._listener.accept()[0]
        except OSError:  # out of descriptors (a program flooding it): the rest wait in the backlog
            self._accepting = False  # until a connection closes; else the ready listener would spin
            return
        if self._wait_for_data:
            self._pending.add(client)
        else:
            self._pair(client)

    def _pair(self, client: socket.socket) -> bool:
        try:
            upstream = self._connect()
        except OSError:  # refused: the client sees it refused too
            client.close()
            return False
        self._other[client], self._other[upstream] = upstream, client
        self._link[client] = Link()
        self.links.append(self._link[client])
        return True

    def _forward(self, sock: socket.socket) -> None:
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        if sock in self._pending:
            self._pending.discard(sock)
            if not data or not self._pair(sock):  # a connection given up unused: never passed on
                sock.close()
                return
        link = self._link.get(sock)
        if link is not None and data:
            link.tail = (link.tail + data)[-TAIL:]
        elif data and self._on_reply is not None:
            self._on_reply(data)
        other = self._other.get(sock)
        if other is None:
            return
        try:
            if data:
                other.sendall(data)
                return
        except OSError:
            pass
        self._accepting = True
        for end in (sock, other):  # one side closed (or failed): close the pair
            self._other.pop(end, None)
            closed = self._link.pop(end, None)
            if closed is not None:
                closed.closed = True
            end.close()

    def close(self) -> None:
        self._wake_w.send(b"x")
        self._thread.join(timeout=2)
        for sock in (self._listener, self._wake_r, self._wake_w, *self._pending, *self._other):
            sock.close()
