"""The grading as JUnit XML (`--junit FILE`): what GitLab's unit-test report
(`artifacts: reports: junit`), Jenkins and the common JUnit readers show.

A testsuite for the exercise, a testcase per check (classname the exercise, name the check's
id and title, its time); a failed check has a `<failure>` whose message is the one-line cause
and whose text is the transcript the student sees in the terminal; a skipped one `<skipped>`
with the reason; a grader error `<error>`. An advisory check not met is no failure (it does
not fail the grade): its warning is in `<system-out>`. Points are properties, of each check
and of the suite, so the total is the one the terminal shows.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..results import ERROR, FAILED, SKIPPED, GradeResult
from .json_report import to_dict
from .terminal import render_check


def one_line(entry: dict) -> str:
    """A check's cause in one line: the first line of what the report says of it."""
    text = entry.get("message") or entry.get("skip_reason") or entry.get("kind") or ""
    return text.strip().splitlines()[0] if text.strip() else entry["status"]


def to_xml(grade: GradeResult, lang: str, rerun: str) -> bytes:
    data = to_dict(grade, lang)
    counts = {status: sum(c.status == status and not c.warned for c in grade.checks) for status in (FAILED, ERROR, SKIPPED)}
    suite = ET.Element("testsuite", name=grade.exercise, tests=str(len(grade.checks)), failures=str(counts[FAILED]),
                       errors=str(counts[ERROR]), skipped=str(counts[SKIPPED]),
                       time=f"{sum(c.duration for c in grade.checks):.3f}")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("title", data["title"]), ("submission", grade.submission), ("isolation", grade.isolation),
                        ("points", grade.points), ("max_points", grade.max_points)):
        ET.SubElement(properties, "property", name=name, value=str(value))
    for check, entry in zip(grade.checks, data["checks"]):
        case = ET.SubElement(suite, "testcase", classname=grade.exercise, name=f"{check.id}: {entry['title']}",
                             time=f"{check.duration:.3f}")
        points = ET.SubElement(case, "properties")
        ET.SubElement(points, "property", name="points", value=str(check.points))
        ET.SubElement(points, "property", name="max_points", value=str(check.max_points))
        transcript = "\n".join(render_check(lang, check, rerun))
        if check.warned:
            ET.SubElement(case, "system-out").text = transcript
        elif check.status == FAILED:
            ET.SubElement(case, "failure", message=one_line(entry), type=entry.get("kind", "failed")).text = transcript
        elif check.status == ERROR:
            ET.SubElement(case, "error", message=one_line(entry), type="grader_error").text = transcript
        elif check.status == SKIPPED:
            ET.SubElement(case, "skipped", message=one_line(entry))
    suites = ET.Element("testsuites", name="netgrader", tests=suite.get("tests"), failures=suite.get("failures"),
                        errors=suite.get("errors"), skipped=suite.get("skipped"), time=suite.get("time"))
    suites.append(suite)
    ET.indent(suites)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="utf-8") + b"\n"
