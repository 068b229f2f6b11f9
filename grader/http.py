"""Read an HTTP response the way a browser does: lenient where browsers are (bare `\\n` line
ends, no space after the colon), strict where they are not (the status line)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Content-Types browsers accept for what the handout names, though they are not its registered name.
ALIASES = {"image/jpeg": ("image/jpg", "image/pjpeg")}
STATUS_LINE = re.compile(r"^HTTP/1\.[01] (\d{3})(?: (.*))?$")


@dataclass
class Response:
    raw: bytes
    status_line: str = ""
    code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    complete: bool = False  # the head ended with a blank line
    bare_newlines: bool = False  # the head's lines end with "\n" alone
    problem: str | None = None  # why the status line is not one a browser accepts

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def media_type(self) -> str | None:
        value = self.header("content-type")
        return value.split(";")[0].strip().lower() if value is not None else None


def head_end(raw: bytes) -> tuple[int, int] | None:
    """Where the head ends and the body starts (`\\r\\n\\r\\n` or a browser's bare `\\n\\n`)."""
    found = [(raw.find(sep), len(sep)) for sep in (b"\r\n\r\n", b"\n\n", b"\n\r\n") if raw.find(sep) >= 0]
    if not found:
        return None
    at, size = min(found)
    return at, at + size


def parse(raw: bytes) -> Response:
    response = Response(raw=raw)
    ends = head_end(raw)
    head = raw[: ends[0]] if ends else raw
    response.complete = ends is not None
    response.bare_newlines = b"\n" in head and b"\r\n" not in head
    response.body = raw[ends[1]:] if ends else b""
    lines = head.decode("iso-8859-1").replace("\r\n", "\n").split("\n")
    response.status_line = lines[0].rstrip("\r")
    match = STATUS_LINE.match(response.status_line)
    if match is None:
        response.problem = "status_line"
    else:
        response.code = int(match.group(1))
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip():
            response.headers[name.strip().lower()] = value.strip()
    return response


def expected_length(raw: bytes) -> int | None:
    """The total size of the response if its head is complete and says Content-Length."""
    ends = head_end(raw)
    if ends is None:
        return None
    length = parse(raw[: ends[1]]).header("content-length")
    return ends[1] + int(length) if length is not None and length.strip().isdigit() else None
