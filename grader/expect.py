"""What a check expects of a text, and how a silence is explained: the shared vocabulary of
the grader-side clients (grader/clients.py), the reference peers (grader/peers.py) and the
probe API (grader/probe.py)."""

from __future__ import annotations

import ast
import codecs
import re
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

from . import untrusted
from .errors import CheckFailed
from .process import StudentProcess
from .results import Message

LOCAL_HOSTS = ("", "0.0.0.0", "127.0.0.1", "localhost", "::", "::1")
POLL_SECONDS = 0.02  # how often a wait re-checks a process that may have died meanwhile
SETTLE_SECONDS = 1.0  # how long a busy process may take to finish (exit, crash, wait) before it is judged


def decode(data: bytes, encoding: str = "utf-8") -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


SENTINEL_MAX = 16  # a few bytes after a whole file are an end marker such as b"##", not a second file


def file_mismatch(path: str, got: bytes, wanted: bytes) -> tuple[str, dict]:
    """How a file's bytes differ from the expected ones, as a failure kind and its parameters:
    a second copy appended, an end marker after it, whitespace stripped as if it were text, cut
    short, or changed."""
    params = {"path": path, "size": len(got), "expected_size": len(wanted)}
    if len(got) > len(wanted) and got.endswith(wanted):
        return "file_appended", params
    if got.startswith(wanted) and 0 < len(got) - len(wanted) <= SENTINEL_MAX:
        return "sentinel_glued", {**params, "extra": got[len(wanted):]}
    if got != wanted and got in (wanted.strip(), wanted.rstrip(), wanted.lstrip()):
        return "file_stripped", params
    if len(got) < len(wanted) and wanted.startswith(got):
        return "file_incomplete", params
    if got and len(got) < len(wanted) and wanted.endswith(got):
        return "file_head_missing", {**params, "missing": len(wanted) - len(got)}
    offset = next((i for i, (x, y) in enumerate(zip(got, wanted)) if x != y), min(len(got), len(wanted)))
    return "file_differs", {**params, "offset": offset}


def text_lines(text: str) -> list[str]:
    """Lines as a teacher reads them: blank lines dropped, each run of spaces one space."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def lines_of(data: bytes) -> list[str]:
    """The lines of bytes that should be UTF-8 text (a byte that is not shows as \\ufffd)."""
    return text_lines(data.decode("utf-8", "replace"))


def lines_mismatch(wanted: list[str], got: list[str], marker: str | None, written: bool = False) -> str | None:
    """How received or written lines differ from the expected records, as a failure kind.
    `marker` is the end-of-data line (`#`): the sender must send it on a line of its own; a
    receiver that `written` the records must leave it out."""
    if marker and not written and marker in got:  # what follows the end marker is not read
        got = got[: got.index(marker) + 1]
    if got == wanted:
        return None
    try:  # UTF-8 bytes decoded as GBK, then written or shown as text
        if text_lines("\n".join(got).encode("gbk").decode("utf-8")) == wanted:
            return "decoded_as_gbk"
    except UnicodeError:
        pass
    squeezed = "".join("".join(got).split())
    if marker and written and squeezed == "".join("".join(wanted).split()) + marker:
        return "marker_written" if got[:-1] == wanted else "records_glued"
    if marker and not written and len(wanted) > 1 and got[:-1] == wanted[:-2] and got \
            and "".join(got[-1].split()) == "".join(wanted[-2].split()) + marker:
        return "marker_glued"
    if marker and not written and got == wanted[:-1]:
        return "marker_missing"
    if len(got) < len(wanted) and squeezed == "".join("".join(wanted).split()):
        return "records_glued"
    if len(got) > len(wanted) and squeezed.removesuffix(marker or "") == "".join("".join(wanted).split()):
        return "records_split"  # each recv() written as a record
    if got == wanted[: len(got)]:
        return "records_missing"
    return "wrong_records"


# Full-width punctuation NFKC leaves alone, read as its half-width twin.
_WIDE = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "【": "[", "】": "]",
                       "《": "<", "》": ">", "～": "~", "—": "-", "…": "..."})
_NUMERALS = str.maketrans({"零": "0", "〇": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4",
                           "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"})
CLOSE_RATIO = 0.85  # difflib's ratio from which an answer is a slip of the pen, not another answer
CLOSE_MIN = 4  # shorter answers must match (a question echoed back must not pass as a variant)


def as_read(text: str) -> str:
    """A text as a teacher reads it: whitespace (spaces, tabs, newlines, at the end or inside)
    and the width of punctuation and letters (，and , ；and ; ＡＢ and AB) do not matter."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_WIDE).split())


def _gist(text: str) -> str:
    """What is left to compare of a close variant: no punctuation, no case, numerals as digits."""
    return "".join(ch for ch in as_read(text).casefold().translate(_NUMERALS)
                   if not unicodedata.category(ch).startswith(("P", "S")))


def close_variant(got: str, wanted: str) -> bool:
    """`got` says `wanted` with a slip a teacher accepts with a remark: punctuation left out,
    another case, 2 for 两, a character missing or changed in a long enough answer."""
    mine, theirs = _gist(got), _gist(wanted)
    if not mine:
        return False
    return mine == theirs or (len(theirs) >= CLOSE_MIN and SequenceMatcher(None, mine, theirs).ratio() >= CLOSE_RATIO)


class Expect:
    """What a text must be: equal to (byte for byte: an echo), saying (as a teacher reads it:
    see as_read; a close variant passes with a warning), containing (as read), meaning (one of
    several phrasings, where the handout gives no wording), or matching a pattern."""

    def __init__(self, equals: str | None = None, contains=None, matches: str | None = None,
                 says: str | None = None, means=None):
        self.equals = equals
        self.contains = [contains] if isinstance(contains, str) else list(contains or [])
        self.matches = matches
        self.says = says
        self.means = [means] if isinstance(means, str) else list(means or [])

    def test(self, text: str | None) -> bool:
        if text is None:
            return False
        if self.equals is not None and text != self.equals:
            return False
        if self.says is not None and as_read(text) != as_read(self.says):
            return False
        if not all(as_read(part) in as_read(text) for part in self.contains):
            return False
        if self.means and not any(as_read(phrase).casefold() in as_read(text).casefold() for phrase in self.means):
            return False
        return self.matches is None or re.search(self.matches, text) is not None

    def close(self, text: str | None) -> bool:
        """Not what was expected, but a close variant of what the step `says`."""
        return self.says is not None and text is not None and close_variant(text, self.says)

    def said_more(self, text: str | None) -> bool:
        """The expected answer, then more that is not whitespace."""
        if text is None:
            return False
        if self.equals is not None:
            return len(text) > len(self.equals) and text.startswith(self.equals)
        wanted = as_read(self.says) if self.says is not None else None
        return bool(wanted) and len(as_read(text)) > len(wanted) and as_read(text).startswith(wanted)

    @property
    def size(self) -> int | None:
        """How many bytes the expected answer takes: enough to stop waiting for more."""
        text = self.equals if self.equals is not None else self.says
        return len(text.encode("utf-8")) if text is not None else None

    def params(self) -> dict:
        if self.equals is not None:
            how, value = "equals", self.equals
        elif self.says is not None:
            how, value = "says", self.says
        elif self.contains:
            how, value = "contains", " + ".join(self.contains)
        elif self.means:
            how, value = "means", " / ".join(self.means[:4])
        elif self.matches is not None:
            how, value = "matches", self.matches
        else:
            how, value = "any", ""
        return {"how": Message(f"how.{how}"), "value": value}


def other_encoding(encoding: str) -> str:
    """The encoding a student mixes up with this one: the course's two are UTF-8 and GBK."""
    return "gbk" if encoding == "utf-8" else "utf-8"


def codec_of(message: str) -> str | None:
    """The codec a UnicodeDecodeError names ("'gbk' codec can't decode byte 0xad ..."), normalised."""
    found = re.match(r"'([\w-]+)' codec", message)
    try:
        return codecs.lookup(found.group(1)).name if found else None
    except LookupError:
        return None


def back_in_accept(process: StudentProcess, since: float) -> bool:
    """The server waits in accept() again (its last event), while a connection it accepted
    holds bytes it never read: it left that client without reading its next message."""
    calls = process.events_of("accepting")
    if len(calls) < 2 or calls[-1].t < since or not process.idle():
        return False
    if any(event.t > calls[-1].t for event in process.events if event.kind != "input"):
        return False
    return unread_bytes(process.pid, {event.bound[1] for event in process.events_of("listen")})


def unread_bytes(pid: int, ports: set[int]) -> bool:
    """An established TCP connection to one of `ports` has bytes its program has not read
    (rx_queue in /proc/PID/net/tcp, the table of the process's network namespace)."""
    for table in ("tcp", "tcp6"):
        try:
            rows = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local_port, state, rx_queue = int(fields[1].rsplit(":", 1)[1], 16), fields[3], int(fields[4].split(":")[1], 16)
            if state == "01" and local_port in ports and rx_queue > 0:
                return True
    return False


CUT_BY_BUFFER = ("wrong_output", "wrong_reply", "no_reply", "said_more", "truncated", "not_utf8", "wrong_data")


def blocked_in_recv(process: StudentProcess) -> bool:
    """The program sleeps in a receive: the spy's last word was that a socket started to wait."""
    events = process.events
    return bool(events) and events[-1].kind == "wait" and process.idle()


def never_read_input(process: StudentProcess) -> bool:
    """The program ended without asking for a line of what was to be typed, and without
    waiting for the network either: what it should have done first never ran (a server that
    ends on a message it received did run; its input was only to come later)."""
    return not process.running and bool(process.pending_lines) and not process.events_of("input", "wait")


def uncalled_input_readers(script: Path) -> tuple[list[str], str]:
    """The functions of `script` that read the keyboard (call input()) but that nothing calls,
    and the guard that is never true when their only call sits under one (`if __name__ ==
    'main':`, for '__main__'): the program ends without reading what was typed."""
    try:
        source = untrusted.text(script)  # the program may have made it a FIFO, or a link to /dev/zero
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError):
        return [], ""
    dead = [node for node in ast.walk(tree) if isinstance(node, ast.If) and _never_main(node.test)]
    in_dead = {id(inner) for guard in dead for statement in guard.body for inner in ast.walk(statement)}
    readers = [node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               and any(isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "input"
                       for call in ast.walk(node))]
    used = {node.id if isinstance(node, ast.Name) else node.attr for node in ast.walk(tree)
            if isinstance(node, (ast.Name, ast.Attribute)) and id(node) not in in_dead}
    uncalled = [name for name in readers if name not in used]
    guard = ast.get_source_segment(source, dead[0].test) if dead and uncalled else ""
    return uncalled, f"if {guard}:" if guard else ""


def _never_main(test) -> bool:
    """`__name__ == 'main'` (or any text but '__main__'): a test that is never true."""
    return isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq) \
        and any(isinstance(side, ast.Name) and side.id == "__name__" for side in (test.left, *test.comparators)) \
        and any(isinstance(side, ast.Constant) and isinstance(side.value, str) and side.value != "__main__"
                for side in (test.left, *test.comparators))


def explain(process: StudentProcess | None, kind: str, since: float = 0.0, exited_kind: str = "exited",
            **params) -> CheckFailed:
    """A failure of `kind`, unless the process's own fate explains it better: an uncaught
    exception (crashed, or decode_error for a character cut by a receive buffer), or an exit
    (`exited_kind`; a client that ends is not always at fault). A process still busy is given a
    moment to finish first: a server that closed a connection because it is ending, or crashing,
    is then judged by that, whichever the grader noticed first."""
    if process is None:
        return CheckFailed(kind, **params)
    params.setdefault("script", process.script.name)
    params.setdefault("role", process.role)
    process.settle(SETTLE_SECONDS, poll=POLL_SECONDS)
    process.sync_events()
    exception = next((e for e in reversed(process.events_of("exception")) if e.t >= since), None)
    if exception is None and not process.running:
        exception = process.exception
    full = process.events_of("recv_full")
    if full and kind in CUT_BY_BUFFER:
        params["recv_size"] = full[0].size
    if exception is not None:
        where = exception.where or (None, None, None, "")
        params.update(
            exc_type=exception.type,
            exc_message=exception.message.replace(f"{process.cwd}/", ""),
            exc_errno=exception.errno,
            exc_line=where[1],
            exc_code=where[3],
            status=process.returncode,
            in_thread=bool(exception.thread),
        )
        if exception.type == "UnicodeDecodeError":
            used = codec_of(exception.message)
            if used and used != process.encoding:  # gbk where the other side speaks UTF-8, or the other way round
                detail = f"{exception.type}: {params['exc_message']}"
                return CheckFailed("encoding_mismatch", cause=kind, used=used, encoding=process.encoding, detail=detail,
                                   **params)
            return CheckFailed("decode_error", cause=kind, **params)
        return CheckFailed("crashed", cause=kind, **params)
    if never_read_input(process):
        uncalled, guard = uncalled_input_readers(process.cwd / process.script)
        names = ", ".join(f"{name}()" for name in uncalled)
        params.update(unread_input=True, uncalled=names if not guard else "", dead_guard=guard, guarded=names)
    if process.running and kind in ("wrong_output", "no_reply") and back_in_accept(process, since):
        return CheckFailed("back_to_accept", cause=kind, **params)
    if not process.running and process.limit_hit() is not None:
        return CheckFailed("stopped_by_limit", cause=kind, limit=process.limit_hit(), **params)
    if not process.running:
        return CheckFailed(exited_kind, cause=kind, status=process.returncode, **params)
    return CheckFailed(kind, **params)
