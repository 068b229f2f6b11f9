"""The grading as a GitHub Classroom autograding result (`--classroom`).

GitHub Classroom's runner actions hand their result to classroom-resources' grading reporter
as the step output `result`: base64 of `{"version": 1, "status": "pass"|"fail"|"error",
"max_score", "tests": [{"name", "status", "score", "message", "line_no", "duration", ...}]}`;
the reporter sums the scores of every runner. Each check is a test with its own points
(partial credit per check, as decided once in grader/verdict.py), and the log gets the
`Points X/Y` line Classroom has always read.
"""

from __future__ import annotations

import base64
import json

from ..results import ERROR, FAILED, PASSED, GradeResult
from .json_report import to_dict
from .junit import one_line


def result(grade: GradeResult, lang: str) -> dict:
    data = to_dict(grade, lang)
    tests = []
    for check, entry in zip(grade.checks, data["checks"]):
        status = "pass" if check.status == PASSED or check.warned else "error" if check.status == ERROR else "fail"
        tests.append({
            "name": f"{grade.exercise}/{check.id}: {entry['title']}",
            "status": status,
            "score": check.points,
            "max_score": check.max_points,
            "message": "" if status == "pass" and not check.warned else one_line(entry),
            "test_code": f"grader grade {grade.exercise} --check {check.id}",
            "filename": entry.get("script") or "",
            "line_no": entry.get("line") or 0,
            "duration": round(check.duration * 1000),  # milliseconds, as the runners report it
        })
    errors = any(c.status == ERROR for c in grade.checks)
    status = "pass" if grade.passed else "error" if errors and not any(c.status == FAILED for c in grade.checks) else "fail"
    return {"version": 1, "status": status, "max_score": grade.max_points, "tests": tests}


def output_line(grade: GradeResult, lang: str, earlier: str = "") -> str:
    """`result=<base64>`: the line appended to $GITHUB_OUTPUT. `earlier`: what the step wrote
    there before; a grading of another exercise in the same step is added to it (its tests,
    its maximum, the worse status), so one step grading an assignment's every folder gives
    Classroom one result."""
    found = result(grade, lang)
    previous = [line for line in earlier.splitlines() if line.startswith("result=")]
    if previous:
        before = json.loads(base64.b64decode(previous[-1].removeprefix("result=")))
        order = ("pass", "fail", "error")
        found = {"version": 1, "status": max(before["status"], found["status"], key=order.index),
                 "max_score": before["max_score"] + found["max_score"], "tests": before["tests"] + found["tests"]}
    encoded = base64.b64encode(json.dumps(found, ensure_ascii=False).encode("utf-8")).decode("ascii")
    return f"result={encoded}\n"


def points_line(grade: GradeResult) -> str:
    return f"Points {grade.points}/{grade.max_points}\n"
