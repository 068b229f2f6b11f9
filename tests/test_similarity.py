"""Copied work (grader/similarity.py): on a class written by someone who had not seen the finder,
the disguised copies are found and the independent programs are not; the course's own code is
boilerplate; the report says how to get the finder where it is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from grader import similarity
from grader.report import html

pytest.importorskip("copydetect", reason="the optional extra netgrader[similarity] is not installed")

CLASS = Path(__file__).parent / "similarity" / "udp_dict"
COURSE = similarity.course_code(ROOT / "exercises" / "udp_dict.yaml", "udp_dict")


def rows_of(folder: Path) -> list[dict]:
    rows = []
    for student in sorted(p for p in folder.iterdir() if p.is_dir()):
        sources = {role: {"path": f"{role}.py", "text": (student / f"{role}.py").read_text(encoding="utf-8")}
                   for role in ("server", "client") if (student / f"{role}.py").is_file()}
        rows.append({"student": student.name, "exercise": "udp_dict", "status": "graded", "sources": sources})
    return rows


def test_disguised_copies_are_found_and_independent_work_is_not():
    found = similarity.copied_work(rows_of(CLASS), COURSE)
    pairs = {(m.role, m.sides[0].student, m.sides[1].student) for m in found}
    copies = {(role, copy, original) for copy, original in (("copy01", "ind03"), ("copy02", "ind06"),
                                                            ("copy03", "ind08")) for role in ("server", "client")}
    assert copies <= pairs, sorted(copies - pairs)  # renamed, reworded, reordered, a feature added: all found
    assert pairs - copies == {("client", "skel01", "skel02")}  # one skeleton, three lines changed in each
    renamed = next(m for m in found if m.sides[0].student == "copy01" and m.role == "server")
    assert renamed.similarity > 0.95
    shown = [text for number, text, common in renamed.sides[0].lines if common]
    assert any("WordService" in line for line in shown)  # the lines in common, as the student wrote them
    assert similarity.copied_work(rows_of(CLASS), COURSE) == found  # the same report every time


def test_the_course_code_every_student_starts_from_is_no_match(tmp_path):
    for student in ("s01", "s02"):
        shutil.copytree(ROOT / "reference" / "udp_dict", tmp_path / student)
    assert similarity.copied_work(rows_of(tmp_path), COURSE) == []
    with_course_as_code_of_their_own = similarity.copied_work(rows_of(tmp_path), [])
    assert {m.role for m in with_course_as_code_of_their_own} == {"server", "client"}


def test_the_report_shows_pairs_side_by_side_or_says_how_to_get_the_finder(tmp_path):
    rows = rows_of(CLASS)
    for row in rows:
        row.update(points=10, max_points=15, passed=False, warnings=0, report={"title": "UDP dict", "checks": []},
                   transcript="…")
    html.write(tmp_path / "report.html", rows, "en", similarity.copied_work(rows, COURSE), similarity.THRESHOLD,
               similarity.INSTALL)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count('<details class="pair"') == 7 and "WordService" in page and 'class="common"' in page
    html.write(tmp_path / "report.html", rows, "zh", None, similarity.THRESHOLD, similarity.INSTALL)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "疑似抄袭" in page and "pip install &#39;netgrader[similarity]&#39;" in page
