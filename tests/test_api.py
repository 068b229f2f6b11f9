"""The engine as a library (grader.engine.Grader): one process grades many submissions of
several exercises, each result is what the CLI gives for the same folder, and once the graders
are closed nothing of theirs is left: no process, namespace, control group, temporary folder
or MariaDB server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, STUDENTS, confined, grade_json, left_behind
from grader import database
from test_students import assemble

pytestmark = pytest.mark.timeout(600)

# (exercise, folder, checks): passing, failing, a server that never answers, a hostile program,
# and programs that keep the dictionary in MySQL, over five exercises.
SUBMISSIONS = [
    ("udp_echo", "reference", None),
    ("udp_echo", "udp_echo/split-empty-crash", None),
    ("udp_echo", "udp_echo/other-port-8886", None),
    ("udp_echo", "udp_echo/client-no-eof-handling", None),
    ("udp_echo", "hostile/fork-bomb", ["server-listens"]),
    ("udp_echo", "hostile/daemon-ignores-sigterm", ["server-listens"]),
    ("udp_dict", "reference", None),
    ("udp_dict", "udp_dict/keyerror-unknown-word", None),
    ("udp_dict", "udp_dict/mysql-lookup", None),
    ("udp_dict", "udp_dict/mysql-wrong-table-hidden", None),
    ("udp_dict", "udp_dict/mysql-connection-per-query", None),
    ("udp_dict", "udp_dict/split-one-space", None),
    ("http_hello", "reference", None),
    ("http_hello", "http_hello/never-answers", None),
    ("http_hello", "http_hello/no-blank-line", None),
    ("tcp_records", "reference", None),
    ("tcp_records", "tcp_records/" + sorted(p.name for p in (STUDENTS / "tcp_records").iterdir())[0], None),
    ("qa_bot", "reference", None),
    ("qa_bot", "qa_bot/server-serial", None),
    ("qa_bot", "qa_bot/server-keyerror", None),
]

GRADE_ALL = textwrap.dedent("""\
    import json, sys
    from grader.engine import Grader
    from grader.report.json_report import dumps

    jobs = json.loads(sys.argv[1])
    results, graders = [], {}
    for exercise, folder, files, checks in jobs:
        if exercise not in graders:
            graders[exercise] = Grader(exercise)
        results.append(json.loads(dumps(graders[exercise].grade(folder, files, checks), "en")))
    for grader in graders.values():
        grader.close()
    print(json.dumps(results))
""")


def folder_of(name: str, tmp: Path) -> Path:
    if name == "reference":
        return None
    if name.startswith("hostile/"):
        return ROOT / "tests" / name
    return assemble(STUDENTS / name, tmp)


def summary(report: dict) -> dict:
    """What must be the same however the grading was asked for: each check's verdict."""
    return {
        "score": report["score"], "max_score": report["max_score"], "passed": report["passed"],
        "checks": [(c["id"], c["status"], c.get("kind"), c["score"], c["warned"]) for c in report["checks"]],
    }


def test_one_process_grades_many_submissions_as_the_cli_does_and_leaves_nothing(tmp_path):
    if not confined():
        pytest.skip("the hostile programs need bubblewrap")
    jobs = []
    for exercise, name, checks in SUBMISSIONS:
        folder = folder_of(name, tmp_path) or ROOT / "reference" / exercise
        files = {"client": "server.py"} if name.startswith("hostile/") else None
        jobs.append((exercise, str(folder), files, checks))
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    run = f"netgrader-api-test-{uuid.uuid4().hex}"  # inherited by what the graders start themselves
    env = {**os.environ, "TMPDIR": str(own_tmp), "NETGRADER_TEST_RUN": run}
    with subprocess.Popen([sys.executable, "-c", GRADE_ALL, json.dumps(jobs)], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as worker:
        out, err = worker.communicate(timeout=500)
    assert worker.returncode == 0, err
    through_api = json.loads(out)
    assert len(through_api) == len(SUBMISSIONS) == 20

    def through_cli(job):
        exercise, folder, files, checks = job
        extra = [f"--file={role}={name}" for role, name in (files or {}).items()]
        extra += [f"--check={check}" for check in checks or ()]
        return grade_json(exercise, Path(folder), tmp_path / "cli", *extra)[1]

    (tmp_path / "cli").mkdir()
    with ThreadPoolExecutor(4) as pool:
        cli = list(pool.map(through_cli, jobs))
    for job, api_report, cli_report in zip(jobs, through_api, cli):
        assert summary(api_report) == summary(cli_report), job

    assert left_behind(worker.pid) == []
    assert list(own_tmp.iterdir()) == []  # sandboxes, the database's folder, the browser's profile
    assert carrying(run) == []  # namespace agents, mariadbd
    assert not list(Path("/tmp").glob(f"netgrader-mariadb-{worker.pid}-*"))  # its folder, where TMPDIR is too deep

    kinds = {c.get("kind") for report in through_api for c in report["checks"]}
    assert {"crashed", "wrong_reply", "no_reply"} <= kinds  # failing ones failed, and for their cause
    if database.unavailable() is None:
        mysql = through_api[8]
        assert mysql["passed"] and all(c["status"] == "passed" for c in mysql["checks"]), mysql


def carrying(run: str) -> list[str]:
    """Processes whose environment holds `run`: anything the graders started and left."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if run.encode() in Path(f"/proc/{entry.name}/environ").read_bytes():
                    found.append(Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
    return found


def test_a_program_that_wrote_into_the_students_python_does_not_reach_the_next_grading(tmp_path, monkeypatch):
    from grader import student_python as students

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # a cache of the test's own: others use theirs
    monkeypatch.setattr(students, "_student_python", None)
    monkeypatch.setattr(students, "_made", None)
    python = Path(students.student_python())
    site = next(python.parent.parent.glob("lib/python*/site-packages"))
    students.ensure_untouched()
    assert python.exists()
    (site / "evil.pth").write_text("import os; os.system('echo pwned')\n")
    students.ensure_untouched()
    assert Path(students.student_python()) == python and python.exists()
    assert not (site / "evil.pth").exists()
    assert (site / "pymysql").is_dir()  # made anew with the course's packages
