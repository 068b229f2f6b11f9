"""The grader's HTTP client of a student's web server: a TCP connection that asks as a browser
does and judges the response as a browser would (grader/http.py reads it)."""

from __future__ import annotations

import time

from .clients import TcpClient
from .errors import CheckFailed
from .expect import explain, file_mismatch
from .http import ALIASES, Response, expected_length, parse
from .results import Message


class HttpClient(TcpClient):
    response: Response | None = None

    def get(self, path: str = "/", within: float = 3.0) -> Response:
        """Ask for `path` as a browser would; read the response until the server closes, the
        Content-Length is complete, or time runs out."""
        if self.sock is None:
            self.connect()
        host, port = self.clients.address(self.port_name)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: netgrader\r\n"
            f"Accept: */*\r\nConnection: close\r\n\r\n"
        ).encode()
        with self.sandbox.step("get", path=path, dest=self._dest(), client=self.name) as record:
            self.sent_at = time.monotonic()
            self.last_sent = request.split(b"\r\n")[0]
            self.sock.sendall(request)
            deadline = time.monotonic() + within
            while not self.closed_by_server:
                total = expected_length(bytes(self.buffer))
                if total is not None and len(self.buffer) >= total:
                    break
                if not self._fill(deadline) and not self.closed_by_server:
                    break
            raw = bytes(self.buffer)
            self.buffer.clear()
            if not raw:
                raise self._silence(within)
            self.response = parse(raw)
            self.answer_open = not self.closed_by_server and expected_length(raw) is None
            record.note = Message("note.http", {"status_line": self.response.status_line, "size": len(raw)})
        return self.response

    def expect_response(self, status: int | None = 200, content_type: str | None = None,
                        content_length: bool = False, body_contains: str | None = None,
                        body: bytes | None = None, body_name: str | None = None) -> None:
        """What the last response must be; each fault has its own failure kind. The status
        line and the blank line after the head are always checked. `body`: the exact bytes
        the body must be (the fixture `body_name`)."""
        response = self.response
        expected = [Message("expect.status", {"status": status}) if status is not None else Message("expect.any_status")]
        expected += [Message("expect.content_type", {"type": content_type})] if content_type else []
        expected += [Message("expect.content_length")] if content_length else []
        expected += [Message("expect.body_contains", {"text": body_contains})] if body_contains else []
        expected += [Message("expect.body_file", {"name": body_name})] if body is not None else []
        with self.sandbox.step("response", client=self.name, expected=expected) as record:
            if response.problem == "status_line":
                late = response.raw.find(b"HTTP/1.")
                if late > 0:  # the head came, but after other bytes (the body first?)
                    raise CheckFailed("head_after_body", offset=late, actual=response.raw[:late])
                raise CheckFailed("bad_status_line", actual=response.status_line)
            if status is not None and response.code != status:
                raise CheckFailed("wrong_status", expected=status, actual=response.status_line)
            if not response.complete:
                raise CheckFailed("no_blank_line", actual=response.raw)
            if response.status_line.startswith("HTTP/1.0"):
                self.sandbox.warn("warn.http10", got=response.status_line)
            if response.bare_newlines:
                self.sandbox.warn("warn.bare_newlines")
            if content_type is not None:
                if response.media_type is None:
                    raise CheckFailed("missing_header", name="Content-Type", expected=content_type)
                if response.media_type in ALIASES.get(content_type.lower(), ()):
                    self.sandbox.warn("warn.content_type_alias", got=response.media_type, expected=content_type)
                elif response.media_type != content_type.lower():
                    raise CheckFailed("wrong_content_type", expected=content_type, actual=response.header("content-type"))
            declared = response.header("content-length")
            if content_length and declared is not None and (not declared.isdigit() or int(declared) != len(response.body)):
                raise CheckFailed("wrong_content_length", declared=declared, actual=len(response.body))
            if body_contains is not None:
                text = response.body.decode("utf-8", "replace")
                if body_contains.lower() not in text.lower():
                    raise CheckFailed("wrong_body", expected=body_contains, actual=response.body)
            if body is not None and response.body != body:
                kind, params = file_mismatch(body_name, response.body, body)
                kind = {"file_incomplete": "body_incomplete", "file_differs": "body_differs"}.get(kind, kind)
                if not response.body and self._earlier_bodies(body):  # the file was read to its end once
                    params["variant"] = "read_once"
                params["path"] = Message("where.body", {"file": body_name})
                if kind == "body_incomplete":  # a server that crashed mid-body is explained by its crash
                    server = self.clients.server_of(self.port_name)
                    raise explain(server, "body_incomplete", exited_kind="body_incomplete", **params)
                raise CheckFailed(kind, **params)
            record.note = Message("note.ok")

    def _earlier_bodies(self, body: bytes) -> bool:
        """An earlier response of this check carried `body` (the picture was sent once)."""
        return any(isinstance(c, HttpClient) and c.response is not None and c.response.body == body
                   for c in self.clients.by_name.values())
