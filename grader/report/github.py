"""The grading as GitHub Actions shows it (`--github`): an annotation on the student's code
for each failure whose place is known (`::error file=server.py,line=17::…`, a crash at its
line), `::warning` for each warning, and a Markdown summary (the checks with their points, the
failures' causes) for $GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import os

from ..i18n import tr
from ..results import GradeResult
from .json_report import to_dict
from .junit import one_line


def _data(text: str) -> str:  # the workflow commands' escaping of a message
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:  # ... and of a property's value
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(grade: GradeResult, lang: str, root: str = ".") -> str:
    """The workflow commands, one a line. `root`: where the job runs, for the files' paths."""
    data = to_dict(grade, lang)
    lines = []
    for check, entry in zip(grade.checks, data["checks"]):
        if check.status not in ("failed", "error"):
            continue
        level = "warning" if check.warned else "error"
        where = ""
        if entry.get("script"):
            path = os.path.relpath(os.path.join(grade.submission, entry["script"]), root)
            where = f"file={_property(path)}" + (f",line={entry['line']}" if entry.get("line") else "") + ","
        lines.append(f"::{level} {where}title={_property(check.id)}::{_data(one_line(entry))}")
    lines += [f"::warning title={_property(grade.exercise)}::{_data(text)}" for text in data["warnings"]]
    return "".join(line + "\n" for line in lines)


def summary(grade: GradeResult, lang: str) -> str:
    """The job summary: a table of the checks with their points, then each failure's cause."""
    data = to_dict(grade, lang)
    marks = {"passed": "✅", "failed": "❌", "skipped": "⏭️", "error": "❗"}

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"### {cell(data['title'])}: {grade.points}/{grade.max_points}", "",
             f"| | {tr(lang, 'html.check')} | {tr(lang, 'gradebook.total')} |", "|---|---|---|"]
    for check, entry in zip(grade.checks, data["checks"]):
        mark = "⚠️" if check.warned else marks[check.status]
        lines.append(f"| {mark} | `{check.id}` {cell(entry['title'])} | {check.points}/{check.max_points} |")
    causes = [(check, entry) for check, entry in zip(grade.checks, data["checks"]) if entry.get("message")]
    if causes:
        lines.append("")
    for check, entry in causes:
        lines.append(f"- `{check.id}`: {cell(one_line(entry))}")
        lines += [f"  - {cell(hint)}" for hint in entry.get("hints", [])[:1]]
    return "\n".join(lines) + "\n\n"
