"""A batch's outputs for the teacher, written from the store's rows (grader/store.py): the
gradebook (`gradebook.csv`) and every grading as `grader grade --json` writes it
(`results.json`).

The CSV is UTF-8 with a byte-order mark, so Excel in a Chinese locale opens it as UTF-8 (without
the mark it reads GBK and the students' names turn to mojibake). A row per student: the id, a
column of points per check, the total, the maximum, the percentage, the verdict in words and
the number of warnings; a submission that could not be graded says why instead of points.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..neutral import CsvWriter
from ..i18n import tr
from ..results import check_ids, verdict

def write_csv(path: Path, rows: list[dict], lang: str, roster: list[dict] | None = None) -> None:
    """`roster`: who each folder is (number, name), in two columns after the id; a student on
    it who handed nothing in gets a row that says so."""
    checks = check_ids(rows)
    people = {person["folder"]: person for person in roster or ()}
    missing = [{"student": folder, "status": "not_submitted"} for folder in people
               if folder not in {row["student"] for row in rows}]
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        out = CsvWriter(file)
        who = [tr(lang, "gradebook.number"), tr(lang, "gradebook.name")] if roster is not None else []
        out.writerow([tr(lang, "gradebook.student"), *who, *checks, tr(lang, "gradebook.total"),
                      tr(lang, "gradebook.max"), tr(lang, "gradebook.percent"), tr(lang, "gradebook.verdict"),
                      tr(lang, "gradebook.warnings"), tr(lang, "gradebook.reason")])
        for row in sorted(rows + missing, key=lambda r: r["student"]):
            report = row.get("report") or {}
            points = {check["id"]: check["score"] for check in report.get("checks", [])}
            graded = row["status"] == "graded"
            percent = f"{100 * row['points'] / row['max_points']:.1f}" if graded and row["max_points"] else ""
            person = people.get(row["student"], {})
            who = [person.get("number", ""), person.get("name", "")] if roster is not None else []
            out.writerow([row["student"], *who, *(points.get(check, "") for check in checks),
                          row["points"] if graded else "", row["max_points"] if graded else "", percent,
                          tr(lang, f"gradebook.verdict.{verdict(row)}"), row["warnings"] if graded else "",
                          row.get("reason") or ""])


def write_results(path: Path, rows: list[dict]) -> None:
    results = [{"student": row["student"], "status": row["status"], "reason": row.get("reason"),
                "graded_at": row.get("graded_at"), "report": row.get("report")}
               for row in sorted(rows, key=lambda r: r["student"])]
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
