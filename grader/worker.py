"""A warm worker of a batch (grader/batch.py): one Grader, many submissions.

    python -m grader.worker EXERCISE_YAML LANG [ISOLATION]

Reads one job a line on stdin (`{"folder": ..., "files": {...}}`) and answers one line on the
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
import signal
import sys
import traceback


def _stop(signum, frame):
    raise KeyboardInterrupt  # unwinds through every check's clean-up


def main(argv: list[str]) -> int:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # what a grading prints goes to stderr, not into the answers
    signal.signal(signal.SIGTERM, _stop)
    from .engine import Grader
    from .errors import GraderError, HarnessError
    from .report.json_report import dumps
    from .report.terminal import render_grade

    path, lang, isolation = argv[0], argv[1], (argv[2] if len(argv) > 2 else None)
    try:
        with Grader(path, isolation) as grader:
            for line in sys.stdin:
                job = json.loads(line)
                try:
                    result = grader.grade(job["folder"], job.get("files"))
                    rerun = shlex.join(["grader", "grade", path, job["folder"]]) + " --check {check}"
                    answer = {"status": "graded", "report": json.loads(dumps(result, lang)),
                              "text": render_grade(result, lang, rerun)}
                except HarnessError as exc:
                    answer = {"status": "error", "reason": str(exc)}
                except GraderError as exc:
                    answer = {"status": "not_gradable", "reason": str(exc)}
                except Exception as exc:  # a grader bug: the batch records it and goes on
                    answer = {"status": "error", "reason": "".join(traceback.format_exception_only(exc)).strip(),
                              "traceback": traceback.format_exc()}
                answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
                answers.flush()
    except KeyboardInterrupt:
        return 130
    finally:  # for the benchmark, in the worker's log
        print(f"worker peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
