"""The verdict of a check, decided in one place: status, level, points, the failure with its
cause in words and its hints, as messages not yet rendered (grader/i18n renders them).

Why here and not in the reporters: every output format (terminal, JSON, JUnit, Classroom,
Gradescope...) must tell the same story and give the same points; a format only renders what
this module decided. It reads what the check left (its sandbox's transcript, warnings and
processes) and the exception that ended it, and nothing else.
"""

from __future__ import annotations

import errno
import re
import traceback
from pathlib import Path

import pytest

from .errors import CheckFailed
from .i18n import has
from .limits import LIMITS
from .neutral import controls
from .results import ERROR, FAILED, PASSED, SKIPPED, CheckResult, Failure, Message, ProcessReport
from .spec import Check, Exercise

TAIL_LINES = 15  # lines of a program's output kept in a result
TAIL_CHARS = 8192  # and characters: a report is read, not a dump
# Exceptions whose message tells a cause of their own: (type, words in the message, hint variant)
EXCEPTION_VARIANTS = (
    ("TypeError", "'NoneType' object is not subscriptable", "none"),  # fetchone()[0] when no row matched
    ("TypeError", "Connection.__init__() takes 1 positional argument", "pymysql_positional"),
    ("AttributeError", "'Connection' object has no attribute", "pymysql_with"),
    ("ProgrammingError", "(1146,", "schema"),  # no such table
    ("ProgrammingError", "(1054,", "schema"),  # no such column
    ("ProgrammingError", "Cursor closed", "cursor_closed"),
)
PRECISE = ("encoding_mismatch", "back_to_accept")  # failure kinds whose hint outranks a check's help
CRASHES = ("crashed", "decode_error")


def decide(check: Check, exercise: Exercise, sandbox=None, error: BaseException | None = None,
           duration: float = 0.0, strict: bool = False, skip_reason: Message | None = None) -> CheckResult:
    """The result of `check`: skipped for `skip_reason`; else passed, unless `error` (what
    ended it) says otherwise. `sandbox`: the check's, for its transcript and processes."""
    result = CheckResult(
        id=check.id,
        title=check.title,
        status=SKIPPED if skip_reason else PASSED,
        points=0,
        max_points=check.points,
        location=f"{_shown_path(check.source or exercise.path)}:{check.line}",
        hidden=check.hidden,
        duration=duration,
        advisory=check.advisory and not strict,
        skip_reason=skip_reason,
    )
    if sandbox is not None:
        result.steps = list(sandbox.steps)
        result.warnings = list(sandbox.warnings)
        result.processes = [process_report(p) for p in sandbox.processes.values()]
    if isinstance(error, CheckFailed):
        result.status = FAILED
        failed = [i for i, s in enumerate(result.steps) if s.status == "failed"]
        protos = {port.proto for port in exercise.ports.values()}
        params = {"proto": protos.pop()} if len(protos) == 1 else {}  # for hints such as hint.exited.tcp
        result.failure = Failure(error.kind, {**params, **error.params}, failed[0] if failed else None,
                                 expected=error.expected, actual=error.actual)
    elif isinstance(error, AssertionError) and sandbox is not None:
        result.status = FAILED  # a teacher's plain assert in a Python check
        result.failure = Failure("assertion", {"message": str(error)}, None)
    elif isinstance(error, pytest.skip.Exception):
        result.status = SKIPPED
    elif error is not None:
        result.status = ERROR
        result.error = "".join(traceback.format_exception(error))
        result.failure = Failure("error", {}, None)
    if result.failure is not None:
        failure = result.failure
        failure.script = failure.params.get("script")
        failure.line = failure.params.get("exc_line")
        failure.said = said(failure)
        failure.hints = hints(failure, check.help if not check.help_for or failure.kind in check.help_for else None)
    if result.status == PASSED:
        result.points = check.points
    return result


def said(failure: Failure) -> list[Message]:
    """Why it failed, in words: the failure (with what the program was doing when it crashed
    or ended, appended), then where it broke and what the program was stuck on."""
    params = failure.params
    lines = [Message(f"fail.{failure.kind}", params)]
    cause = params.get("cause")
    if cause and has(f"cause.{cause}"):
        lines.append(Message(f"cause.{cause}", params))
    for flag, key in (("exc_line", "detail.where"), ("waiting_recv", "detail.waiting_recv"),
                      ("recv_size", "detail.recv_size"), ("unread_input", "detail.unread_input"),
                      ("dead_guard", "detail.dead_guard"), ("uncalled", "detail.uncalled"),
                      ("in_thread", "detail.thread"), ("gbk_text", "detail.gbk")):
        if params.get(flag):
            lines.append(Message(key, params))
    if params.get("prompt"):
        lines.append(Message("detail.waiting_input", {"prompt": repr(params["prompt"])}))
    return lines


def hints(failure: Failure, help_text=None) -> list[Message]:
    """A limit of the sandbox that stopped the program first (no teacher's help fits that);
    then the teacher's help for the check when it has one written for this failure; else what
    the failure suggests."""
    params = failure.params
    exc_type = params.get("exc_type")
    exc_message = str(params.get("exc_message", ""))
    if failure.kind == "error":
        return []
    if failure.kind == "stopped_by_limit":
        return [Message("hint.stopped_by_limit")]
    limit = limit_hint(exc_type, params.get("exc_errno"), exc_message)
    if limit:
        return [Message(limit, vars(LIMITS))]
    if params.get("recv_size"):  # a small buffer came back full: the message was cut, whatever the check
        return [Message("hint.recv_size", params)]
    if params.get("unread_input") and failure.kind not in CRASHES:  # it never read what was typed
        return [Message("hint.dead_guard" if params.get("dead_guard") else "hint.unread_input", params)]
    if failure.kind in PRECISE:  # the cause is certain: its hint fits better than the check's help
        variant = f"hint.{failure.kind}.{params.get('variant')}"
        return [Message(variant if has(variant) else f"hint.{failure.kind}", params)]
    if failure.kind == "missing_file":  # no check's help is about a file that is not there
        return [Message("hint.missing_file", params)]
    if failure.kind == "wrong_reply" and params.get("actual") in (b"", ""):
        # An empty reply is what happened, whatever the check was written to catch: a value that
        # came out empty (a line split on one space where the file has two), not a missing key.
        return [Message("hint.wrong_reply.empty", params)]
    crash = failure.kind in CRASHES
    exc_type = next((f"{exc_type}.{variant}" for kind, words, variant in EXCEPTION_VARIANTS
                     if kind == exc_type and words in exc_message), exc_type)
    if help_text is not None and not (crash and has(f"hint.exc.{exc_type}")):
        # A crash the check's help does not foresee (a ValueError in a client's first line) is
        # pointed at too: the help alone would blame what the program never got to do.
        return [Message("hint.help", {"text": help_text})] + ([Message("hint.crashed")] if crash else [])
    if params.get("gbk_text"):
        return [Message("hint.encode_gbk")]
    if exc_type == "TypeError" and "bytes" in exc_message:
        return [Message("hint.exc.TypeError.bytes")]
    if exc_type == "UnicodeDecodeError" and "'gbk'" in exc_message:
        return [Message("hint.decode_gbk")]
    if params.get("waiting_recv") and failure.kind == "did_not_exit":  # a file it sent wrong says more
        return [Message("hint.waiting_recv")]
    if exc_type in ("OSError", "PermissionError") and params.get("exc_errno") in (errno.EROFS, errno.EACCES):
        return [Message("hint.read_only")]
    if exc_type == "OSError" and ".accept(" in str(params.get("exc_code", "")):
        return [Message("hint.accept_without_listen")]
    if exc_type == "UnicodeDecodeError" and not cuts_a_character(exc_message):
        return [Message("hint.decode_binary")]
    if exc_type and has(f"hint.exc.{exc_type}"):
        return [Message(f"hint.exc.{exc_type}")]
    variants = [f"hint.{failure.kind}.{params.get(p)}" for p in ("variant", "role", "proto")]
    key = next((v for v in variants if has(v)), f"hint.{failure.kind}")
    return [Message(key, params)] if has(key) else []


def limit_hint(exc_type: str | None, number: int | None, message: str) -> str | None:
    """The hint for an error that a resource limit of the sandbox raised in the program."""
    if number == errno.EFBIG:
        return "hint.limit.file"
    if number == errno.EMFILE:
        return "hint.limit.open_files"
    if (exc_type == "BlockingIOError" and number == errno.EAGAIN) or "can't start new thread" in message:
        return "hint.limit.processes"
    return None


def cuts_a_character(message: str) -> bool:
    """Whether a UTF-8 UnicodeDecodeError looks like a character cut by a receive buffer (its
    end missing, or its continuation bytes starting the next buffer) rather than bytes that are
    no text at all (a picture: 0xff cannot appear in UTF-8)."""
    found = re.search(r"byte 0x([0-9a-f]{2}) in position (\d+): (.*)", message)
    if found is None or "unexpected end of data" in message:
        return True
    byte, position, reason = int(found.group(1), 16), int(found.group(2)), found.group(3)
    return reason.startswith("invalid start byte") and position == 0 and 0x80 <= byte <= 0xBF


def process_report(process) -> ProcessReport:
    def shown(text):  # paths as the student knows them, not the sandbox's
        return _tail(text.replace(f"{process.cwd}/", ""))

    return ProcessReport(
        role=process.role,
        script=process.script.name,
        pid=process.pid,
        returncode=process.returncode,
        exception=None if process.exception is None else {
            "type": process.exception.type, "message": process.exception.message,
            "where": process.exception.where, "thread": process.exception.thread},
        stdout=shown(process.stdout.text()),
        stderr=shown(process.stderr.text()),
        output_cut=process.stdout.dropped + process.stderr.dropped,
        typed=[(t.prompt, t.line) for t in process.typed],
        confinement=getattr(process, "confinement", ""),
    )


def _shown_path(path: Path) -> str:
    """A path as the user would type it: relative to where they are, when it is below."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _tail(text: str) -> str:
    """The last lines a report keeps of a stream, at most TAIL_CHARS of them (a line of 300 KB
    without a newline is cut too), control characters escaped (grader/neutral.py): every
    format that shows it reads it so."""
    kept = "\n".join(text.rstrip().splitlines()[-TAIL_LINES:])
    if len(kept) > TAIL_CHARS:
        kept = "[…] " + kept[-TAIL_CHARS:]
    return controls(kept)
