"""A batch's outputs for the teacher, written from the store's rows (grader/store.py): the
gradebook (`gradebook.csv`) and every grading as `grader grade --json` writes it
(`results.json`).

The CSV is UTF-8 with a byte-order mark, so Excel in a Chinese locale opens it as UTF-8 (without
the mark it reads GBK and the students' names turn to mojibake). A row per student: the id, a
column of points per check, the total, the maximum, the percentage, the verdict in words and
the number of warnings; a submission that could not be graded says why instead of points.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..i18n import tr

VERDICTS = ("passed", "warned", "failed", "not_gradable", "error", "timeout")


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


def write_csv(path: Path, rows: list[dict], lang: str) -> None:
    checks = check_ids(rows)
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        out = csv.writer(file)
        out.writerow([tr(lang, "gradebook.student"), *checks, tr(lang, "gradebook.total"), tr(lang, "gradebook.max"),
                      tr(lang, "gradebook.percent"), tr(lang, "gradebook.verdict"), tr(lang, "gradebook.warnings"),
                      tr(lang, "gradebook.reason")])
        for row in sorted(rows, key=lambda r: r["student"]):
            report = row.get("report") or {}
            points = {check["id"]: check["score"] for check in report.get("checks", [])}
            graded = row["status"] == "graded"
            percent = f"{100 * row['points'] / row['max_points']:.1f}" if graded and row["max_points"] else ""
            out.writerow([row["student"], *(points.get(check, "") for check in checks),
                          row["points"] if graded else "", row["max_points"] if graded else "", percent,
                          tr(lang, f"gradebook.verdict.{verdict(row)}"), row["warnings"] if graded else "",
                          row.get("reason") or ""])


def write_results(path: Path, rows: list[dict]) -> None:
    results = [{"student": row["student"], "status": row["status"], "reason": row.get("reason"),
                "graded_at": row.get("graded_at"), "report": row.get("report")}
               for row in sorted(rows, key=lambda r: r["student"])]
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_all(folder: Path, rows: list[dict], lang: str) -> None:
    write_csv(folder / "gradebook.csv", rows, lang)
    write_results(folder / "results.json", rows)
