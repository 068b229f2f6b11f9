"""A batch's gradebook of record: one SQLite database in the output folder, a row per
submission, written the moment its grading ends.

Why SQLite and not a CSV at the end: a batch of 300 killed at submission 200 (a laptop lid, a
SIGKILL, a power cut) keeps its 200 gradings; `--resume` grades only what is missing or
changed (the submission's content hash, the exercise file's hash and the grader's version are
kept with each row); every output (gradebook.csv, results.json) is written from here, and
`grader report DIR` writes them again. Each row is committed on its own, in WAL mode, so a
kill at any moment leaves every committed row whole.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

FILE = "grades.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS gradings (
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    content_hash TEXT NOT NULL,     -- of the submission's files (grader/discover.py)
    exercise_hash TEXT NOT NULL,    -- of the exercise's YAML
    grader_version TEXT NOT NULL,
    status TEXT NOT NULL,           -- graded | not_gradable | error | timeout
    points INTEGER, max_points INTEGER, passed INTEGER, warnings INTEGER,
    reason TEXT,                    -- why it is not graded, in words
    report TEXT,                    -- the grading as `grader grade --json` writes it
    transcript TEXT,                -- and as the student reads it in the terminal
    sources TEXT,                   -- the graded scripts, role -> {path, text}: what copied work is found in
    duration REAL, attempts INTEGER, graded_at REAL,
    PRIMARY KEY (student, exercise)
)
"""
STATUSES = ("graded", "not_gradable", "error", "timeout")


@dataclass
class Row:
    student: str
    exercise: str
    content_hash: str
    exercise_hash: str
    grader_version: str
    status: str
    points: int | None = None
    max_points: int | None = None
    passed: bool | None = None
    warnings: int | None = None
    reason: str | None = None
    report: dict | None = None
    transcript: str | None = None
    sources: dict | None = None
    duration: float = 0.0
    attempts: int = 1
    graded_at: float = 0.0


class Store:
    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE
        self._db = sqlite3.connect(self.path, isolation_level=None)  # autocommit: each row commits alone
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL keeps committed rows through a killed process
        self._db.execute(SCHEMA)
        known = {name for _, name, *_ in self._db.execute("PRAGMA table_info(gradings)")}
        if "sources" not in known:  # a batch written by a grader before copied work was looked for
            self._db.execute("ALTER TABLE gradings ADD COLUMN sources TEXT")

    def put(self, row: Row) -> None:
        row.graded_at = row.graded_at or time.time()
        values = dict(vars(row), report=json.dumps(row.report, ensure_ascii=False) if row.report else None,
                      sources=json.dumps(row.sources, ensure_ascii=False) if row.sources else None,
                      passed=None if row.passed is None else int(row.passed))
        names = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        self._db.execute(f"INSERT OR REPLACE INTO gradings ({names}) VALUES ({marks})", values)

    def done(self, exercise: str) -> dict[str, tuple[str, str, str]]:
        """student -> (content hash, exercise hash, grader version) of every finished grading
        (a grader error is not finished: it is tried again)."""
        rows = self._db.execute("SELECT student, content_hash, exercise_hash, grader_version FROM gradings "
                                "WHERE exercise = ? AND status != 'error'", (exercise,))
        return {student: tuple(rest) for student, *rest in rows}

    def rows(self, exercise: str | None = None) -> list[Row]:
        query = "SELECT * FROM gradings" + (" WHERE exercise = ?" if exercise else "") + " ORDER BY exercise, student"
        cursor = self._db.execute(query, (exercise,) if exercise else ())
        names = [d[0] for d in cursor.description]
        found = []
        for values in cursor:
            row = Row(**dict(zip(names, values)))
            row.report = json.loads(row.report) if row.report else None
            row.sources = json.loads(row.sources) if row.sources else None
            row.passed = None if row.passed is None else bool(row.passed)
            found.append(row)
        return found

    def exercises(self) -> list[str]:
        return [name for (name,) in self._db.execute("SELECT DISTINCT exercise FROM gradings ORDER BY exercise")]

    def close(self) -> None:
        self._db.close()
