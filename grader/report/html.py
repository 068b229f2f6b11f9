"""The class report (`report.html`): one self-contained file a teacher opens in any browser,
no network needed. The class at a glance first (a histogram of scores, each check's pass rate,
the failures each check met most with a student to look at, the warnings raised most), then
every student's report as the student sees it in the terminal.

Written from the store's rows (grader/store.py) with a Jinja2 template
(templates/report.html.j2); the charts are inline SVG computed here, never strings glued
into HTML: the template escapes everything a student's program said.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..i18n import tr
from ..results import check_ids, verdict

BUCKETS = 10  # bars of the histogram: 0-9 %, 10-19 %, ..., 90-100 %
EXAMPLES = 3  # failure kinds listed per check


def summary(rows: list[dict], lang: str) -> dict:
    """What the template shows, computed from the rows."""
    graded = [row for row in rows if row["status"] == "graded"]
    verdicts = Counter(verdict(row) for row in rows)
    histogram = [0] * BUCKETS
    for row in graded:
        share = row["points"] / row["max_points"] if row["max_points"] else 0
        histogram[min(BUCKETS - 1, int(share * BUCKETS))] += 1
    checks = []
    for check_id in check_ids(rows):
        results = [(row, c) for row in graded for c in row["report"]["checks"] if c["id"] == check_id]
        passed = sum(c["status"] == "passed" for _, c in results)
        kinds = Counter(c.get("kind") for _, c in results if c["status"] == "failed")
        failures = []
        for kind, count in kinds.most_common(EXAMPLES):
            row, example = next((row, c) for row, c in results if c.get("kind") == kind)
            failures.append({"kind": kind, "count": count, "student": row["student"],
                             "message": example.get("message", ""), "hints": example.get("hints", [])})
        title = results[0][1]["title"] if results else check_id
        checks.append({"id": check_id, "title": title, "passed": passed, "total": len(results),
                       "rate": passed / len(results) if results else 0.0, "failures": failures})
    warnings = Counter(w for row in graded for w in row["report"].get("warnings", []))
    exercise = next((row["report"]["title"] for row in graded), rows[0]["exercise"] if rows else "")
    return {"exercise": exercise, "students": len(rows), "verdicts": verdicts, "histogram": histogram,
            "histogram_svg": histogram_svg(histogram), "checks": checks,
            "warnings": warnings.most_common(10),
            "rows": sorted(rows, key=lambda r: r["student"]),
            "verdict_of": verdict, "said": lambda key, params=None: tr(lang, key, params)}


def histogram_svg(counts: list[int], width: int = 520, height: int = 160) -> dict:
    """Bars and labels of the score histogram, as numbers for the template's <svg>."""
    top = max(counts) or 1
    bar = width / len(counts)
    bars = []
    for index, count in enumerate(counts):
        tall = (height - 40) * count / top  # room above the tallest bar for its count
        bars.append({"x": index * bar + 4, "y": height - 20 - tall, "width": bar - 8, "height": tall, "count": count,
                     "label": f"{index * 100 // len(counts)}–{(index + 1) * 100 // len(counts) - (index < len(counts) - 1)}%"})
    return {"width": width, "height": height, "bars": bars, "bar": bar}


def row_of(grade, lang: str, transcript: str) -> dict:
    """One grading as a batch's row (grader/store.py), for a page of its own."""
    from .json_report import to_dict

    return {"student": Path(grade.submission).name, "exercise": grade.exercise, "status": "graded",
            "points": grade.points, "max_points": grade.max_points, "passed": grade.passed,
            "warnings": grade.warning_count, "report": to_dict(grade, lang), "transcript": transcript, "reason": None}


COPIED_SHOWN = 50  # pairs of copied work listed, likeliest first


def write(path: Path, rows: list[dict], lang: str, copied: list | None = None, threshold: float = 0.6,
          install: str = "") -> None:
    """`copied`: grader.similarity's matches, or None when they could not be looked for
    (`install` says how to get what is missing)."""
    path.write_text(render(rows, lang, copied, threshold, install, str(path.parent)), encoding="utf-8")


def render(rows: list[dict], lang: str, copied: list | None = None, threshold: float = 0.6, install: str = "",
           out: str = ".") -> str:
    """The page. One row (`grader grade --html`) is one student's page: no histogram, no copied work."""
    environment = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                              autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("report.html.j2").render(
        lang=lang, copied=None if copied is None else copied[:COPIED_SHOWN],
        copied_more=max(0, len(copied or ()) - COPIED_SHOWN), threshold=round(threshold * 100),
        install=install, out=out, **summary(rows, lang))
