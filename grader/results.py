"""What a grading produced, as plain data: the only thing the reporters read.

Messages are kept as catalog keys with their parameters (grader/i18n), never as finished
text, so one run can be reported in Chinese, in English and as JSON. Bytes stay bytes until
a reporter shows them with `show_bytes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .neutral import controls
from .spec import Text

PASSED, FAILED, SKIPPED, ERROR = "passed", "failed", "skipped", "error"


@dataclass
class Message:
    """A catalog key and its parameters: rendered in the reader's language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class StepRecord:
    """One action or expectation of a check, as it ran."""

    kind: str  # catalog key step.<kind>
    params: dict[str, Any]
    status: str = "ok"  # ok | failed
    note: Message | None = None
    elapsed: float = 0.0


@dataclass
class ProcessReport:
    role: str
    script: str
    pid: int
    returncode: int | None
    exception: dict | None  # the uncaught exception: type, message, where (file, line, function, code), thread
    stdout: str
    stderr: str
    output_cut: int  # bytes of output not kept
    typed: list[tuple[str | None, str]]  # (prompt, line typed)
    confinement: str = ""  # what confined it: the fork server, bubblewrap, or none


@dataclass
class Failure:
    """Why a check failed, decided once (grader/verdict.py); reporters render `said` and
    `hints` and may point at `script`:`line`, the student's line that raised."""

    kind: str  # a key of FAILURE_KINDS (grader/errors.py)
    params: dict[str, Any]  # the facts its messages are built from
    step: int | None  # index into the steps of the check that failed
    expected: Any = None  # what the handout asks for (a reply, a port, lines of a file), when one thing
    actual: Any = None  # what the program did instead
    script: str | None = None  # the student's script at fault, when one is
    line: int | None = None  # the line of that script that raised, when known
    said: list[Message] = field(default_factory=list)  # the cause in words: the failure first, then details
    hints: list[Message] = field(default_factory=list)  # what to do about it


@dataclass
class CheckResult:
    id: str
    title: Text
    status: str
    points: int  # awarded
    max_points: int
    location: str  # exercises/udp_dict.yaml:14
    steps: list[StepRecord] = field(default_factory=list)
    failure: Failure | None = None
    warnings: list[Message] = field(default_factory=list)
    processes: list[ProcessReport] = field(default_factory=list)
    skip_reason: Message | None = None
    error: str | None = None  # a grader bug's traceback, for the maintainers
    hidden: bool = False
    duration: float = 0.0
    advisory: bool = False  # the handout does not ask for it: a failure warns instead of failing the grade

    @property
    def warned(self) -> bool:
        """An advisory check that failed: shown with its cause and hint, costs its points."""
        return self.advisory and self.status == FAILED


@dataclass
class GradeResult:
    exercise: str
    title: Text
    submission: str
    isolation: str
    checks: list[CheckResult] = field(default_factory=list)
    notices: list[Message] = field(default_factory=list)  # about the run, not a check
    remarks: list[Message] = field(default_factory=list)  # warnings about the submission as a whole (a misnamed file)
    files: dict[str, str] = field(default_factory=dict)  # role -> the script graded as it, inside the submission
    machine: dict = field(default_factory=dict)  # what confined it (grader/doctor.py fingerprint)

    @property
    def points(self) -> int:
        return sum(c.points for c in self.checks)

    @property
    def max_points(self) -> int:
        return sum(c.max_points for c in self.checks)

    @property
    def passed(self) -> bool:
        """No required check failed. A check skipped because another failed comes with that
        failure; one skipped because the machine lacks a tool (a browser) is not the student's
        fault; an advisory check that failed is a warning."""
        return all(c.status in (PASSED, SKIPPED) or c.warned for c in self.checks)

    @property
    def warnings(self) -> list[Message]:
        """The remarks on the submission and on checks (another port, HTTP/1.0...), each once."""
        found: list[Message] = list(self.remarks)
        for check in self.checks:
            found += [w for w in check.warnings if w not in found]
        return found

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + sum(c.warned for c in self.checks)


# What a batch says of a submission (a row of grader/store.py, as a dict).
VERDICTS = ("passed", "warned", "failed", "not_gradable", "error", "timeout", "not_submitted")


def verdict(row: dict) -> str:
    """One of VERDICTS: what the grading says of the submission."""
    if row["status"] != "graded":
        return row["status"]
    if not row["passed"]:
        return "failed"
    return "warned" if row["warnings"] else "passed"


def check_ids(rows: list[dict]) -> list[str]:
    """Every check graded, in the exercise's order (the first full report's)."""
    found: list[str] = []
    for row in rows:
        for check in (row.get("report") or {}).get("checks", []):
            if check["id"] not in found:
                found.append(check["id"])
    return found


def printable(text: str, keep: str = "") -> str:
    """Text from a student's program, safe for a terminal (grader/neutral.py controls): control
    characters (escape sequences, bells, NUL) are shown escaped, except those in `keep` (say "\t")."""
    return controls(text, keep=keep)


def show_bytes(data: bytes | str, limit: int = 60) -> str:
    """Bytes as a student can read them: text in quotes, control bytes escaped, long values cut."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:  # Chinese text from or for a Windows tool: readable, and said to be GBK
            text = raw.decode("gbk")
            return f'"{printable(text[:limit])}" (GBK)' + (f" … ({len(raw)} B)" if len(text) > limit else "")
        except UnicodeDecodeError:
            pass
        shown = repr(raw[:limit])
        return shown + (f" … ({len(raw)} B)" if len(raw) > limit else "")
    escaped = printable(text[:limit])
    suffix = f" … ({len(raw)} B)" if len(text) > limit else ""
    return f'"{escaped}"{suffix}'
