"""The grader's own clients of a student's server: each sends what a step says and expects
the server's answer within a time limit, and explains a silence by what the server did."""

from __future__ import annotations

import select
import socket
import time
from typing import TYPE_CHECKING

from .errors import CheckFailed
from .expect import POLL, Expect, decode, explain
from .process import StudentProcess
from .results import Message

if TYPE_CHECKING:
    from .probe import Probe


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
