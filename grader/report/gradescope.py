"""The grading as Gradescope's autograder reads it (`--gradescope FILE`, its
/autograder/results/results.json): the total, a test per check with its points, status and the
transcript the student would see in the terminal; a hidden check stays hidden until the grades
are published.
"""

from __future__ import annotations

import json

from ..results import PASSED, GradeResult
from .json_report import to_dict
from .terminal import render_check, verdict


def results(grade: GradeResult, lang: str, rerun: str) -> dict:
    data = to_dict(grade, lang)
    tests = []
    for number, (check, entry) in enumerate(zip(grade.checks, data["checks"]), 1):
        tests.append({
            "name": f"{check.id}: {entry['title']}",
            "number": str(number),
            "score": check.points,
            "max_score": check.max_points,
            "status": "passed" if check.status == PASSED or check.warned else "failed",
            "output": "\n".join(render_check(lang, check, rerun)),
            "output_format": "text",
            "visibility": "after_published" if check.hidden else "visible",
            "tags": [entry["level"], *([entry["kind"]] if entry.get("kind") else [])],
        })
    notes = [*data["notices"], *(f"⚠ {w}" for w in data["warnings"]), verdict(lang, grade)]
    return {"score": grade.points, "execution_time": round(sum(c.duration for c in grade.checks), 3),
            "output": "\n".join(notes), "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def dumps(grade: GradeResult, lang: str, rerun: str) -> str:
    return json.dumps(results(grade, lang, rerun), ensure_ascii=False, indent=1) + "\n"


def not_graded(reason: str) -> str:
    """A submission that could not be graded (no script, not UTF-8...): no points, and why."""
    return json.dumps({"score": 0, "output": reason, "output_format": "text", "visibility": "visible",
                       "tests": []}, ensure_ascii=False, indent=1) + "\n"
