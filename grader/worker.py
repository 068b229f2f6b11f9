"""A warm worker of a batch (grader/batch.py): one Grader, many submissions.

    python -m grader.worker EXERCISE_YAML LANG [ISOLATION]

Reads one job a line on stdin (`{"folder": ..., "files": {...}}`, and optionally `"shown"` and
`"exercise"`: the folder and exercise the report's rerun line names, when they differ) and answers one line on the
stdout it started with: `{"status": "graded", "report": {...}}`, `{"status": "not_gradable",
"reason": ...}` (the submission's fault: no script, not UTF-8...) or `{"status": "error",
"reason": ...}` (the grader's: tried again by the batch). Anything else the grading prints goes
to stderr, so it can never garble an answer. SIGTERM ends the grading under way with its
clean-up, then the worker.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import signal
import sys
import tempfile
import traceback
from pathlib import Path

from . import untrusted


def _stop(signum, frame):
    raise KeyboardInterrupt  # unwinds through every check's clean-up


def remove_leftovers(pid: int) -> None:
    """What the gradings of the worker `pid` left when it was stopped mid-grading: its checks'
    processes (their mark carries its pid) and temporary folders."""
    from .proctree import kill_and_reap, marked_processes

    kill_and_reap(marked_processes(f"NETGRADER_SANDBOX=netgrader-{pid}-".encode(), prefix=True))
    for left in Path(tempfile.gettempdir()).glob(f"netgrader-{pid}-*"):
        shutil.rmtree(left, ignore_errors=True)


SOURCE_MAX_BYTES = 256 * 1024  # a graded script kept for copied work; a student's is a few KB


def sources(folder: str, files: dict[str, str]) -> dict:
    """The graded scripts' text, role -> {path, text}, for the batch's copied-work section."""
    found = {}
    for role, name in files.items():
        data = untrusted.read(Path(folder, name), SOURCE_MAX_BYTES)  # never a link, a FIFO or a device
        if data is not None:
            found[role] = {"path": name, "text": data.decode("utf-8", errors="replace")}
    return found


def main(argv: list[str]) -> int:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # what a grading prints goes to stderr, not into the answers
    signal.signal(signal.SIGTERM, _stop)
    from .engine import Grader
    from .errors import GraderError, HarnessError
    from .i18n import error_text
    from .report.json_report import dumps
    from .report.terminal import render_grade

    path, lang, isolation = argv[0], argv[1], (argv[2] if len(argv) > 2 else None)
    try:
        with Grader(path, isolation) as grader:
            for line in sys.stdin:
                job = json.loads(line)
                try:
                    result = grader.grade(job["folder"], job.get("files"))
                    shown = job.get("shown", job["folder"])  # a cluster grades a copy: its rerun line names the original
                    rerun = shlex.join(["grader", "grade", job.get("exercise", path), shown]) + " --check {check}"
                    answer = {"status": "graded", "report": json.loads(dumps(result, lang)),
                              "text": render_grade(result, lang, rerun), "sources": sources(job["folder"], result.files)}
                except HarnessError as exc:
                    answer = {"status": "error", "reason": str(exc)}
                except GraderError as exc:  # said of the folder graded: a cluster's copy is named as the original
                    reason = error_text(exc, lang).replace(job["folder"], job.get("shown", job["folder"]))
                    answer = {"status": "not_gradable", "reason": reason}
                except Exception as exc:  # a grader bug: the batch records it and goes on
                    answer = {"status": "error", "reason": "".join(traceback.format_exception_only(exc)).strip(),
                              "traceback": traceback.format_exc()}
                answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
                answers.flush()
    except KeyboardInterrupt:  # stopped mid-grading (its batch or cluster worker ended): leave nothing
        remove_leftovers(os.getpid())
        return 130
    finally:  # for the benchmark, in the worker's log
        own = resource.getrusage(resource.RUSAGE_SELF)  # what it started: the bench's control group counts it
        print(f"worker peak memory: {own.ru_maxrss} KiB", file=sys.stderr)
        print(f"worker cpu: {own.ru_utime + own.ru_stime:.2f} s itself", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
