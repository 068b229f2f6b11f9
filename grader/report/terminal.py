"""The report a student reads in the terminal: ✓/✗ per check, and for a failure the numbered
steps that ran, `***** Unsuccessful: ... *****`, what the program printed, a hint and the
command that reruns just that check; the points at the end.
"""

from __future__ import annotations

import re

import unicodedata

from ..i18n import has, render, tr
from ..limits import LIMITS
from ..results import ERROR, FAILED, PASSED, SKIPPED, CheckResult, GradeResult, Message, printable

MARKS = {PASSED: "✓", FAILED: "✗", SKIPPED: "-", ERROR: "!"}
WARNED = "⚠"  # an advisory check that failed
STDERR_LINES = 8


def failure_text(lang: str, check: CheckResult) -> list[str]:
    """The lines that say why a check failed: the failure, where it broke, what the program said."""
    failure = check.failure
    params = failure.params
    lines = [tr(lang, f"fail.{failure.kind}", params)]
    cause = params.get("cause")
    if cause and has(f"cause.{cause}"):  # what it was doing when it crashed or ended
        said = tr(lang, f"cause.{cause}", params)
        if said:
            lines[0] += ("" if said.startswith("（") else " ") + said
    if params.get("exc_line"):
        lines.append("  " + tr(lang, "detail.where", params))
    if params.get("waiting_recv"):
        lines.append("  " + tr(lang, "detail.waiting_recv", params))
    if params.get("in_thread"):
        lines.append("  " + tr(lang, "detail.thread", params))
    if params.get("gbk_text"):
        lines.append("  " + tr(lang, "detail.gbk", params))
    if params.get("prompt"):
        lines.append("  " + tr(lang, "detail.waiting_input", {"prompt": repr(params["prompt"])}))
    return lines


def limit_hint(exc_type: str | None, message: str) -> str | None:
    """The hint for an error that a resource limit of the sandbox raised in the program."""
    if "[Errno 27]" in message:  # File too large
        return "hint.limit.file"
    if "[Errno 24]" in message:  # Too many open files
        return "hint.limit.open_files"
    if (exc_type == "BlockingIOError" and "[Errno 11]" in message) or "can't start new thread" in message:
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


def hints(lang: str, check: CheckResult) -> list[str]:
    """A limit of the sandbox that stopped the program first (no teacher's help fits that);
    then the teacher's help for the check when it has one; else what the failure suggests."""
    failure = check.failure
    exc_type = failure.params.get("exc_type")
    exc_message = str(failure.params.get("exc_message", ""))
    if failure.kind == "stopped_by_limit":
        return [tr(lang, "hint.stopped_by_limit")]
    if limit_hint(exc_type, exc_message):
        return [tr(lang, limit_hint(exc_type, exc_message), vars(LIMITS))]
    if failure.kind in PRECISE:  # the cause is certain: its hint fits better than the check's help
        return [tr(lang, f"hint.{failure.kind}", failure.params)]
    crash = failure.kind in ("crashed", "decode_error")
    exc_type = next((f"{exc_type}.{variant}" for kind, words, variant in EXCEPTION_VARIANTS
                     if kind == exc_type and words in exc_message), exc_type)
    if check.help is not None and not (crash and has(f"hint.exc.{exc_type}")):
        # A crash the check's help does not foresee (a ValueError in a client's first line) is
        # pointed at too: the help alone would blame what the program never got to do.
        return [check.help.pick(lang)] + ([tr(lang, "hint.crashed")] if crash else [])
    found = []
    if failure.params.get("gbk_text"):
        found.append(tr(lang, "hint.encode_gbk"))
    elif exc_type == "TypeError" and "bytes" in exc_message:
        found.append(tr(lang, "hint.exc.TypeError.bytes"))
    elif exc_type == "UnicodeDecodeError" and "'gbk'" in exc_message:
        found.append(tr(lang, "hint.decode_gbk"))
    elif failure.params.get("waiting_recv"):
        found.append(tr(lang, "hint.waiting_recv"))
    elif exc_type in ("OSError", "PermissionError") and ("Read-only file system" in exc_message
                                                        or "Permission denied" in exc_message):
        found.append(tr(lang, "hint.read_only"))
    elif exc_type == "OSError" and ".accept(" in str(failure.params.get("exc_code", "")):
        found.append(tr(lang, "hint.accept_without_listen"))
    elif exc_type == "UnicodeDecodeError" and not cuts_a_character(exc_message):
        found.append(tr(lang, "hint.decode_binary"))
    elif exc_type and tr(lang, f"hint.exc.{exc_type}") != f"hint.exc.{exc_type}":
        found.append(tr(lang, f"hint.exc.{exc_type}"))
    else:
        variants = [f"hint.{failure.kind}.{failure.params.get(p)}" for p in ("variant", "role", "proto")]
        key = next((v for v in variants if has(v)), f"hint.{failure.kind}")
        kind_hint = tr(lang, key, failure.params)
        if kind_hint and kind_hint != f"hint.{failure.kind}":
            found.append(kind_hint)
    return found


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
TYPED_LINES = 6  # the last lines typed into a program, shown when its check failed
SHOWS_OUTPUT = ("wrong_output", "exited", "did_not_exit")  # failures where what it printed tells why


def process_lines(lang: str, check: CheckResult) -> list[str]:
    lines = []
    for process in check.processes:
        for prompt, line in process.typed[-TYPED_LINES:]:  # what the grader typed, and where
            lines.append(tr(lang, "report.typed", {"script": process.script, "prompt": (prompt or "").encode(),
                                                   "line": line.encode()}))
        shows_output = check.failure.kind in SHOWS_OUTPUT and process.stdout.strip()
        if process.stderr.strip() or shows_output or process.output_cut:
            state = (
                tr(lang, "report.process_exited", {"script": process.script, "status": process.returncode})
                if process.returncode is not None
                else tr(lang, "report.process_running", {"script": process.script})
            )
            lines.append(state)
            if process.stderr.strip():
                lines.append("  " + tr(lang, "report.stderr"))
                lines += ["    " + printable(line, "\t") for line in process.stderr.splitlines()[-STDERR_LINES:]]
            elif shows_output:
                lines.append("  " + tr(lang, "report.stdout"))
                lines += ["    " + printable(line, "\t") for line in process.stdout.splitlines()[-STDERR_LINES:]]
            if process.output_cut:
                lines.append("  " + tr(lang, "report.output_cut", {"bytes": process.output_cut}))
    return lines


def pad(text: str, width: int) -> str:
    """Pad to a column width as a terminal shows it: a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - shown)


def step_line(lang: str, number: int, step) -> str:
    text = tr(lang, f"step.{step.kind}", step.params)
    note = render(lang, step.note) if step.note else ""
    return f"  {number}. {pad(text, 44)}{note}".rstrip()


def render_check(lang: str, check: CheckResult, rerun: str) -> list[str]:
    mark = WARNED if check.warned else MARKS[check.status]
    title = check.title.pick(lang)
    score = f"{check.points}/{check.max_points}"
    head = f"{mark} {check.id}  {title}"
    if check.status == SKIPPED:
        reason = render(lang, check.skip_reason) if check.skip_reason else ""
        return [f"{head}  {score}", f"  {reason}".rstrip()]
    if check.status == PASSED:
        return [f"{head}  {score}"]
    lines = [f"{head}  ({check.location})  {score}"]
    if check.warned:
        lines.append("  " + tr(lang, "report.advisory"))
    if check.hidden:
        return lines
    failed_at = check.failure.step if check.failure else None
    for number, step in enumerate(check.steps, 1):
        if number - 1 == failed_at:
            lines.append("  " + tr(lang, "report.unsuccessful", {"step": tr(lang, f"step.{step.kind}", step.params)}))
            break
        lines.append(step_line(lang, number, step))
    if check.status == ERROR:
        lines.append("  " + tr(lang, "fail.error"))
        lines.append("  " + tr(lang, "report.grader_error"))
        lines += ["    " + line for line in (check.error or "").rstrip().splitlines()[-6:]]
        return lines
    lines += ["  " + line for line in failure_text(lang, check)]
    lines += ["  " + line for line in process_lines(lang, check)]
    for hint in hints(lang, check):
        lines.append("  " + tr(lang, "report.hint", {"text": hint}))
    lines.append("  " + tr(lang, "report.rerun", {"command": rerun.replace("{check}", check.id)}))
    return lines


def render_grade(grade: GradeResult, lang: str, rerun: str) -> str:
    lines = [
        tr(lang, "report.header", {"exercise": grade.exercise, "title": grade.title.pick(lang)}),
        tr(lang, "report.submission", {"path": grade.submission, "isolation": grade.isolation}),
    ]
    lines += [render(lang, notice) for notice in grade.notices]
    lines.append("")
    for check in grade.checks:
        lines += render_check(lang, check, rerun)
    if grade.warnings:
        lines.append("")
        lines += [tr(lang, "report.warning", {"text": render(lang, w)}) for w in grade.warnings]
    counts = {status: sum(c.status == status and not c.warned for c in grade.checks) for status in MARKS}
    lines.append("")
    lines.append(tr(lang, "report.total", {
        "points": grade.points, "max_points": grade.max_points, "passed": counts[PASSED],
        "warned": sum(c.warned for c in grade.checks), "failed": counts[FAILED] + counts[ERROR],
        "skipped": counts[SKIPPED]}))
    lines.append(verdict(lang, grade))
    return "\n".join(lines) + "\n"


def verdict(lang: str, grade: GradeResult) -> str:
    """The last line: what the exit status says, in words."""
    if not grade.passed:
        failed = sum(c.status in (FAILED, ERROR) and not c.warned for c in grade.checks)
        return tr(lang, "report.verdict.failed", {"count": failed})
    if grade.warning_count:
        key = "report.verdict.warning" if grade.warning_count == 1 else "report.verdict.warnings"
        return tr(lang, key, {"count": grade.warning_count})
    return tr(lang, "report.verdict.passed")
