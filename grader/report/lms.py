"""The files the gradebooks of Moodle and Canvas import, for a batch graded with a roster.

A roster maps the submissions' names (the folder or zip of each student) to who they are:
student number, name, e-mail, section. Moodle's grade import wants an identifier column (the
e-mail here, or the ID number) and one column of grades per grade item; Canvas's wants
Student, ID, SIS User ID, SIS Login ID, Section, then the assignment. A student on the roster
who handed nothing in is there with an empty grade, so the import does not skip them silently.
"""

from __future__ import annotations

from pathlib import Path

from ..neutral import CsvWriter


def total(row: dict | None) -> str:
    return str(row["points"]) if row and row["status"] == "graded" else ""


def write_moodle(path: Path, roster: list[dict], rows: dict[str, dict], item: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as file:
        out = CsvWriter(file)
        out.writerow(["email", "idnumber", "name", item])
        for person in roster:
            out.writerow([person.get("email", ""), person.get("number", ""), person.get("name", ""),
                          total(rows.get(person["folder"]))])


def write_canvas(path: Path, roster: list[dict], rows: dict[str, dict], item: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as file:
        out = CsvWriter(file)
        out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", item])
        for person in roster:
            out.writerow([person.get("name", ""), "", person.get("number", ""), person.get("email", ""),
                          person.get("section", ""), total(rows.get(person["folder"]))])
