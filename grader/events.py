"""What the spy in a student's Python reports (grader/spy/sitecustomize.py), typed once where
it is read: one line per event, a Python literal of a dict, which the program itself could
garble. Anything malformed is dropped here, so the rest of the grader reads attributes, not
keys of dicts it must distrust."""

from __future__ import annotations

import ast
from dataclasses import dataclass, fields

KINDS = ("start", "bind", "bind_error", "listen", "connect", "sendto", "service", "wait", "accepting",
         "recv_after_eof", "input", "exception", "open", "sleep", "recv_full")


@dataclass(frozen=True)
class Event:
    kind: str  # one of KINDS
    pid: int
    t: float  # time.monotonic() in the program: the grader's clock too
    proto: str | None = None  # udp or tcp, for socket events
    requested: tuple | None = None  # (host, port) the program named in bind, connect or sendto
    bound: tuple | None = None  # (host, port) the socket got (bind, listen)
    effective: tuple | None = None  # where the spy really sent it (a peer of the grader's)
    port: int | None = None  # wait: the port of the socket the program waits on
    error: str | None = None  # bind_error
    all: bool = False  # input: sys.stdin.read(), everything to the end
    type: str | None = None  # exception: its class name
    message: str = ""  # exception: its text
    where: tuple | None = None  # exception: (file, line, function, the line's code) in the student's code
    errno: int | None = None  # exception: an OSError's number
    thread: str | None = None  # exception: the thread it ended, when not the main one
    path: str | None = None  # open: the absolute path
    given: str | None = None  # open: the path as the program wrote it
    write: bool = False  # open: for writing
    argv: tuple = ()  # start
    secs: float | None = None  # sleep: how long
    size: int | None = None  # recv_full: the buffer size of a TCP recv() that came back full


NAMES = {f.name for f in fields(Event)}


def parse(line: bytes) -> Event | None:
    """One line of the spy's pipe as an Event, or None when it is not one."""
    try:
        raw = ast.literal_eval(line.decode("utf-8", "replace"))
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None
    if not isinstance(raw, dict) or raw.get("ev") not in KINDS:
        return None
    values = {"kind": raw["ev"]}
    for name, value in raw.items():
        if name in NAMES and name != "kind":
            values[name] = _clean(tuple(value) if isinstance(value, list) else value)
    if not isinstance(values.get("pid"), int) or not isinstance(values.get("t"), (int, float)):
        return None
    for name in ("requested", "bound", "effective"):  # (host, port, ...)
        value = values.get(name)
        if value is not None and not (isinstance(value, tuple) and len(value) >= 2 and isinstance(value[0], str)
                                      and isinstance(value[1], int)):
            return None
    if values.get("where") is not None and not (isinstance(values["where"], tuple) and len(values["where"]) == 4):
        return None
    if not isinstance(values.get("errno"), (int, type(None))):
        values["errno"] = None
    return Event(**values)


def _clean(value):
    """A program's text with no lone surrogate (a literal can hold one; no UTF-8 writer takes it)."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, tuple):
        return tuple(_clean(item) for item in value)
    return value
