"""`grader batch`: a class's submissions graded by warm workers, every grading committed to the
store the moment it ends, the gradebook written from the store.

    submissions folder ─▶ discover (folders, zips) ─▶ store: already done? ─▶ workers ─▶ store ─▶ gradebook
                          one per student, hashed      (--resume)            (--jobs)

Why workers are processes of their own (grader/worker.py): each grades with one warm Grader
(its exercise loaded once, its namespaces made ahead, its MariaDB started once), pytest runs
one grading at a time per process, and a grading that passes its deadline is ended by ending
its worker, whose leftovers carry its pid in their mark and are removed here. A grader error
(not the student's fault) is tried once more, then recorded with its reason; a student's
hang is a verdict, never a retry.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import queue
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import discover, spec
from .errors import GraderError
from .exercises import find_exercise
from .proctree import kill_and_reap, marked_processes
from .store import Row, Store

RETRIES = 1  # a grader error is tried once more
STOP_WITHIN = 15.0  # seconds a worker asked to stop may take to clean up before it is killed
MARGIN = 30.0  # seconds on top of the sum of the exercise's step limits: a grading's deadline


def grader_version() -> str:
    """The package's version and a hash of its code: a resumed batch regrades what a changed
    grader would judge differently."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    try:
        version = metadata.version("netgrader")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"{version}+{digest.hexdigest()[:12]}"


def exercise_hash(exercise: spec.Exercise) -> str:
    digest = hashlib.sha256(exercise.path.read_bytes())
    if exercise.fixture_dir.is_dir():
        for path in sorted(p for p in exercise.fixture_dir.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(exercise.fixture_dir)).encode() + path.read_bytes())
    return digest.hexdigest()


def deadline_of(exercise: spec.Exercise) -> float:
    """The longest a grading may take: every step of every check at its limit, plus a margin."""
    return sum(step.timeout for check in exercise.checks for step in check.steps) + 10 * len(exercise.checks) + MARGIN


class Worker:
    """One warm worker process and the one grading it is asked at a time."""

    def __init__(self, exercise: spec.Exercise, lang: str, isolation: str | None, log: Path):
        argv = [sys.executable, "-m", "grader.worker", str(exercise.path), lang, *([isolation] if isolation else [])]
        if shutil.which("setpriv"):  # a batch killed outright takes its workers with it (they clean up on TERM)
            argv = ["setpriv", "--pdeathsig", "TERM", "--", *argv]
        self._log = open(log, "ab")
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                                        start_new_session=True)
        self._buffer = b""

    def grade(self, job: dict, deadline: float) -> dict | None:
        """The worker's answer, or None when the deadline passed; WorkerDied when it ended."""
        try:
            self.process.stdin.write((json.dumps(job) + "\n").encode())
            self.process.stdin.flush()
        except OSError:
            raise WorkerDied(self.process.poll()) from None
        ends = time.monotonic() + deadline
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = ends - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    return None
                data = os.read(self.process.stdout.fileno(), 1 << 16)
                if not data:
                    raise WorkerDied(self.process.wait())
                self._buffer += data
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    def stop(self) -> None:
        """End the worker: asked first (its grading cleans up), killed if it does not, and
        whatever of its checks is left (marked with its pid) killed and removed."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_WITHIN)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        kill_and_reap(marked_processes(f"NETGRADER_SANDBOX=netgrader-{self.process.pid}-".encode(), prefix=True))
        for left in Path(tempfile.gettempdir()).glob(f"netgrader-{self.process.pid}-*"):
            shutil.rmtree(left, ignore_errors=True)
        self._log.close()

    def close(self) -> None:
        """The end of the batch: no more jobs; the worker closes its grader and exits."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(STOP_WITHIN)
        except subprocess.TimeoutExpired:
            pass
        self.stop()


class WorkerDied(Exception):
    """A worker ended while it graded (its status, if known): the grader's fault, tried again."""


@dataclass
class Job:
    student: str
    folder: Path
    content_hash: str


def default_jobs() -> int:
    """What this machine takes: a grading waits on its programs far more than it computes."""
    return max(1, min(8, (os.cpu_count() or 1) * 2))


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
            unreadable.append(Row(item.student, exercise.id, "", ex_hash, version, "not_gradable", reason=item.problem))
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
                      reason=answer.get("reason"), duration=took, attempts=attempts, transcript=answer.get("text"))
            report = answer.get("report")
            if report is not None:
                row.report, row.points, row.max_points = report, report["score"], report["max_score"]
                row.passed, row.warnings = report["passed"], report["warning_count"]
            store.put(row)
            counts[row.status] = counts.get(row.status, 0) + 1
            progress.finished(vars(row))
    finally:
        progress.close()
    write_outputs(out, [vars(row) for row in store.rows(exercise.id)], lang, roster)
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
        worker = None
        try:
            while True:
                try:
                    job = waiting.get_nowait()
                except queue.Empty:
                    return
                started, answer, attempts = time.monotonic(), None, 0
                while attempts <= RETRIES:
                    attempts += 1
                    try:
                        worker = worker or Worker(exercise, lang, isolation, logs / f"worker-{number}.log")
                        answer = worker.grade({"folder": str(job.folder)}, deadline)
                    except WorkerDied as exc:
                        worker.stop()
                        worker = None
                        answer = {"status": "error", "reason": f"the grading's worker ended unexpectedly (status {exc})"}
                        continue
                    except Exception as exc:  # the batch's own fault: recorded, and the batch goes on
                        answer = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
                        continue
                    if answer is None:  # past its deadline: the worker goes, with what it left
                        worker.stop()
                        worker = None
                        answer = {"status": "timeout", "reason": f"the grading did not end within {deadline:.0f} s"}
                        break
                    if answer["status"] != "error":
                        break
                finished.put((job, answer, attempts, time.monotonic() - started))
        finally:
            if worker is not None:
                worker.close()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(jobs)]
    for thread in threads:
        thread.start()
    for _ in todo:
        yield finished.get()
    for thread in threads:
        thread.join()


def write_outputs(folder: Path, rows: list[dict], lang: str, roster: list[dict] | None = None) -> None:
    """Every output of a batch, from its rows: gradebook.csv, results.json, report.html; with a
    roster also moodle.csv and canvas.csv."""
    from .report import gradebook, html, lms

    gradebook.write_csv(folder / "gradebook.csv", rows, lang, roster)
    gradebook.write_results(folder / "results.json", rows)
    html.write(folder / "report.html", rows, lang)
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
