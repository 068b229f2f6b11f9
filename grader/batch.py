"""`grader batch`: a class's submissions graded by warm workers, every grading committed to the
store the moment it ends, the gradebook written from the store.

    submissions folder ─▶ discover (folders, zips) ─▶ store: already done? ─▶ slots ─▶ store ─▶ outputs
                          one per student, hashed      (--resume)            (--jobs, or a cluster)

The gradings run in slots (grader/slots.py: a warm worker process each, a grader error tried
once more, a grading past its deadline ended with its worker): `--jobs` of them on this
machine, or on a Dask cluster's workers (grader/cluster.py). Either way the answers come back
here, and only here is the store written, one row per submission.
"""

from __future__ import annotations

import csv
import hashlib
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import discover, spec, version
from .errors import GraderError
from .exercises import find_exercise, rerun_name
from .i18n import render
from .slots import Slot
from .store import Row, Store

MARGIN = 30.0  # seconds on top of the sum of the exercise's step limits: a grading's deadline


def grader_version() -> str:
    """The package's version and a hash of its code: a resumed batch regrades what a changed
    grader would judge differently."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return f"{version()}+{digest.hexdigest()[:12]}"


def exercise_hash(exercise: spec.Exercise) -> str:
    yaml_file, *fixtures = exercise.own_files()
    digest = hashlib.sha256(yaml_file.read_bytes())
    for path in fixtures:
        digest.update(str(path.relative_to(exercise.fixture_dir)).encode() + path.read_bytes())
    return digest.hexdigest()


def deadline_of(exercise: spec.Exercise) -> float:
    """The longest a grading may take: every step of every check at its limit, plus a margin."""
    return sum(step.timeout for check in exercise.checks for step in check.steps) + 10 * len(exercise.checks) + MARGIN


@dataclass
class Job:
    student: str
    folder: Path
    content_hash: str


def default_jobs() -> int:
    """What this machine takes: a grading waits on its programs far more than it computes (a
    lone worker keeps a core busy a third of the time), so four workers a core; at most 32, and
    one per 256 MB of memory (a worker, its check's programs and a MariaDB: about 200 MB)."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (256 * 1024 * 1024)
    return max(1, min(32, (os.cpu_count() or 1) * 4, memory))


def run(exercise_name: str, submissions: Path, out: Path, jobs: int | None = None, resume: bool = False,
        lang: str = "en", isolation: str | None = None, deadline: float | None = None, progress=None,
        roster: list[dict] | None = None, scheduler: str | None = None) -> dict:
    """Grade every submission in `submissions` into the store in `out`; the counts by verdict.
    `progress` hears of each finished submission (grader/report/progress.py; lines by default);
    `scheduler` (tcp://HOST:8786) grades on a Dask cluster instead of this machine's workers."""
    from .report.progress import Lines

    progress = progress or Lines(lang)
    exercise = spec.load(find_exercise(exercise_name))
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out)
    version, ex_hash = grader_version(), exercise_hash(exercise)
    deadline = deadline or deadline_of(exercise)
    found = discover.submissions(submissions, out / "unpacked", leave_out=out)
    done = store.done(exercise.id) if resume else {}
    counts = {"total": len(found), "resumed": 0}
    todo: list[Job] = []
    unreadable: list[Row] = []
    for item in found:
        if item.folder is None:
            unreadable.append(Row(item.student, exercise.id, "", ex_hash, version, "not_gradable",
                                  reason=render(lang, item.problem)))
            continue
        content = discover.content_hash(item.folder)
        if done.get(item.student) == (content, ex_hash, version):
            counts["resumed"] += 1
            continue
        todo.append(Job(item.student, item.folder, content))
    progress.start(len(found), counts["resumed"])
    try:
        for row in unreadable:
            store.put(row)
            counts["not_gradable"] = counts.get("not_gradable", 0) + 1
            progress.finished(vars(row))
        if scheduler:
            from .cluster import gradings
        else:
            gradings = local_gradings
        for job, answer, attempts, took in gradings(exercise, todo, jobs, lang, isolation, deadline, out / "logs",
                                                    **({"scheduler": scheduler} if scheduler else {})):
            row = Row(job.student, exercise.id, job.content_hash, ex_hash, version, answer["status"],
                      reason=answer.get("reason"), duration=took, attempts=attempts, transcript=answer.get("text"),
                      sources=answer.get("sources"))
            report = answer.get("report")
            if report is not None:
                row.report, row.points, row.max_points = report, report["score"], report["max_score"]
                row.passed, row.warnings = report["passed"], report["warning_count"]
            store.put(row)
            counts[row.status] = counts.get(row.status, 0) + 1
            progress.finished(vars(row))
    finally:
        progress.close()
    write_outputs(out, exercise, [vars(row) for row in store.rows(exercise.id)], lang, roster)
    store.close()
    return counts


def local_gradings(exercise: spec.Exercise, todo: list[Job], jobs: int | None, lang: str, isolation: str | None,
                   deadline: float, logs: Path):
    """Grade `todo` with `jobs` warm workers on this machine; yields (job, answer, attempts,
    seconds) as each grading ends."""
    finished = queue.Queue()
    jobs = max(1, min(jobs or default_jobs(), len(todo) or 1))
    waiting = queue.Queue()
    for job in todo:
        waiting.put(job)
    logs.mkdir(parents=True, exist_ok=True)

    def work(number: int) -> None:
        slot = Slot(exercise.path, lang, isolation, logs / f"worker-{number}.log", rerun_name(exercise))
        try:
            while True:
                try:
                    job = waiting.get_nowait()
                except queue.Empty:
                    return
                started = time.monotonic()
                answer, attempts = slot.grade(job.folder, deadline)
                finished.put((job, answer, attempts, time.monotonic() - started))
        finally:
            slot.close()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(jobs)]
    for thread in threads:
        thread.start()
    for _ in todo:
        yield finished.get()
    for thread in threads:
        thread.join()


def write_outputs(folder: Path, exercise: spec.Exercise, rows: list[dict], lang: str,
                  roster: list[dict] | None = None) -> None:
    """Every output of a batch, from its rows: gradebook.csv, results.json, report.html (with
    the copied work found among the graded scripts); with a roster also moodle.csv and canvas.csv."""
    from . import similarity
    from .report import gradebook, html, lms

    gradebook.write_csv(folder / "gradebook.csv", rows, lang, roster)
    gradebook.write_results(folder / "results.json", rows)
    copied = (similarity.copied_work(rows, similarity.course_code(exercise.path, exercise.id))
              if similarity.available() else None)
    html.write(folder / "report.html", rows, lang, copied, similarity.THRESHOLD, similarity.INSTALL)
    if roster is not None:
        by_student = {row["student"]: row for row in rows}
        item = next((row["report"]["title"] for row in rows if row.get("report")), rows[0]["exercise"] if rows else "")
        lms.write_moodle(folder / "moodle.csv", roster, by_student, item)
        lms.write_canvas(folder / "canvas.csv", roster, by_student, item)


ROSTER_COLUMNS = {  # what a roster's header may call each column (a teacher's spreadsheet, in either language)
    "folder": ("folder", "submission", "文件夹", "提交", "id", "学号"),
    "number": ("number", "student number", "sis id", "idnumber", "学号"),
    "name": ("name", "student", "姓名", "名字"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮件"),
    "section": ("section", "class", "班级"),
}


def read_roster(path: Path) -> list[dict]:
    """A roster CSV (UTF-8, with or without a BOM, or GBK as Excel saves it on a Chinese
    Windows): one row per student; the column naming each student's folder is required."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GraderError(f"cannot read the roster {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gbk", errors="replace")
    lines = list(csv.reader(text.splitlines()))
    if not lines:
        raise GraderError(f"{path}:1: the roster is empty")
    header = [cell.strip().lower() for cell in lines[0]]
    where: dict[str, int] = {}
    for column, names in ROSTER_COLUMNS.items():  # each column's likeliest name first
        found = next((header.index(name) for name in names if name in header and header.index(name) not in where.values()),
                     None)
        if found is not None:
            where[column] = found
    if "folder" not in where:
        raise GraderError(f"{path}:1: no column names the students' folders; call one "
                          f"{' or '.join(ROSTER_COLUMNS['folder'][:3])}")
    roster, seen = [], {}
    for number, cells in enumerate(lines[1:], 2):
        if not any(cell.strip() for cell in cells):
            continue
        person = {column: cells[i].strip() if i < len(cells) else "" for column, i in where.items()}
        if person["folder"] in seen:
            raise GraderError(f"{path}:{number}: {person['folder']} is on line {seen[person['folder']]} already")
        seen[person["folder"]] = number
        roster.append(person)
    return roster
