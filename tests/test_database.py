"""The grader's private MariaDB (grader/database.py): what it gives a student's program, what it
keeps from it, that it leaves nothing behind, and that checks are skipped, not failed, where
there is none."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, STUDENTS, grade_json
from grader import database, spec

NO_MARIADB = database.unavailable()
needs_mariadb = pytest.mark.skipif(NO_MARIADB is not None, reason=f"no MariaDB here: {NO_MARIADB}")
EXERCISE = spec.load(ROOT / "exercises" / "udp_dict.yaml")


@pytest.mark.parametrize(
    "source, wanted",
    [
        ("import pymysql\n", True),
        ("from pymysql import connect\n", True),
        ("import mysql.connector as db\n", True),
        ("def f():\n    import MySQLdb\n", True),
        ("import socket\nprint('pymysql')\n", False),
        ("from .pymysql import x\n", False),
        ("import pymysql(\n", False),  # a syntax error: the program fails before it would connect
    ],
)
def test_a_program_wants_the_database_when_it_imports_a_mysql_module(source, wanted):
    assert database.wanted_by(source) is wanted


def test_the_databases_errors_are_read_from_its_packets():
    error = b"\xff" + (1146).to_bytes(2, "little") + b"#42S02" + b"Table 'dict.word' doesn't exist"
    ok = b"\x00\x00\x00\x02\x00\x00\x00"
    packets = b"".join(len(p).to_bytes(3, "little") + bytes([n]) + p for n, p in enumerate([ok, error]))
    assert database.errors_in(packets) == ["(1146) Table 'dict.word' doesn't exist"]
    assert database.errors_in(packets[:-5]) == ["(1146) Table 'dict.word' doesn't "]  # cut by a read: what arrived
    assert database.errors_in(ok) == []


@pytest.fixture(scope="module")
def server():
    """A server of this module's own: stopped at its end (other tests count our children)."""
    started = database.Server(*database.binaries())
    yield started
    started.stop()


def student(server, **overrides):
    import pymysql

    settings = dict(unix_socket=server.socket_path, user="root", password="123456", database="dict", charset="utf8")
    return pymysql.connect(**(settings | overrides))


@needs_mariadb
def test_the_student_account_sees_the_exercises_table_and_nothing_else(server):
    import pymysql

    server.prepare(EXERCISE.database, EXERCISE.fixture_dir)
    with student(server) as db, db.cursor() as cursor:
        cursor.execute("select mean from words where word=%s", ["hello"])
        assert "喂" in cursor.fetchone()[0]
        cursor.execute("select count(*) from words")
        assert cursor.fetchone()[0] == len(database._rows(EXERCISE.fixture_dir / "dict.txt", 2)) > 4000
        cursor.execute("show databases")
        assert {row[0] for row in cursor.fetchall()} == {"dict", "information_schema"}
        for forbidden in ("drop database mysql", "create user x@localhost", "select * from mysql.user",
                          "create database other"):
            with pytest.raises(pymysql.err.OperationalError):  # 1044/1142: access denied
                cursor.execute(forbidden)
    with pytest.raises(pymysql.err.OperationalError):
        student(server, password="root")


@needs_mariadb
def test_what_a_program_changed_is_undone_before_the_next_check(server):
    server.prepare(EXERCISE.database, EXERCISE.fixture_dir)
    with student(server) as db, db.cursor() as cursor:
        cursor.execute("delete from words where word='apple'")
        cursor.execute("create table history (word text)")
        db.commit()
    server.prepare(EXERCISE.database, EXERCISE.fixture_dir)
    with student(server) as db, db.cursor() as cursor:
        cursor.execute("select mean from words where word='apple'")
        assert "苹果" in cursor.fetchone()[0]
        cursor.execute("show tables")
        assert [row[0] for row in cursor.fetchall()] == ["words"]


@needs_mariadb
def test_a_query_left_running_is_ended_with_its_check(server):
    import threading
    import time

    server.prepare(EXERCISE.database, EXERCISE.fixture_dir)
    db = student(server)
    finished = []

    def long_query():
        try:
            with db.cursor() as cursor:
                cursor.execute("select sleep(4)")  # under the 5 s a statement may take
                finished.append(cursor.fetchone()[0])  # 1: interrupted
        except Exception as exc:  # the connection was ended with it
            finished.append(exc)

    worker = threading.Thread(target=long_query)
    started = time.monotonic()
    worker.start()
    while not _sessions(server, "select sleep"):  # wait until the server runs it
        time.sleep(0.01)
    server.end_sessions(EXERCISE.database)
    worker.join(timeout=10)
    assert finished and time.monotonic() - started < 3 and not _sessions(server, "select sleep")
    db.close()


def _sessions(server, query: str) -> list:
    with server._admin.cursor() as cursor:
        cursor.execute("SELECT id FROM information_schema.processlist WHERE info LIKE %s", (query + "%",))
        return cursor.fetchall()


@needs_mariadb
def test_the_server_has_no_port_and_is_gone_with_its_folder_when_the_grader_ends(tmp_path):
    code = textwrap.dedent("""\
        import sys, time
        from grader.services import Services
        services = Services()
        server = services.database()
        print(server.folder, server._process.pid, flush=True)
        if sys.argv[1] == "killed":
            time.sleep(60)
    """)
    for how in ("exits", "killed"):
        grader = subprocess.Popen([sys.executable, "-c", code, how], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        folder, pid = grader.stdout.readline().split()
        listening = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
        assert f"pid={pid}," not in listening  # --skip-networking: only its socket file
        if how == "killed":
            grader.send_signal(signal.SIGKILL)
        grader.wait(timeout=30)
        _wait_gone(int(pid))
        if how == "killed":
            assert Path(folder).exists()  # a killed grader cannot clean up: the next one does
            database._remove_left_behind()
        assert not Path(folder).exists()


def _wait_gone(pid: int) -> None:
    """mariadbd is our grandchild: it is gone once /proc has no such process (or a zombie of init)."""
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return
        if state == "Z":
            return
        time.sleep(0.05)  # another process's death: nothing of ours to wait on
    pytest.fail(f"mariadbd {pid} still runs after its grader ended")


def test_without_mariadb_a_mysql_submission_skips_its_server_checks_and_says_why(tmp_path, monkeypatch):
    folder = tmp_path / "mysql-lookup"
    shutil.copytree(STUDENTS / "udp_dict" / "mysql-lookup", folder, ignore=shutil.ignore_patterns("expect.yaml"))
    shutil.copy(ROOT / "reference" / "udp_dict" / "client.py", folder)
    monkeypatch.setenv("NETGRADER_MARIADB", "off")
    code, report, text = grade_json("udp_dict", folder, tmp_path)
    _, plain, _ = grade_json("udp_dict", ROOT / "reference" / "udp_dict", tmp_path)
    checks = {check["id"]: check for check in report["checks"]}
    server_checks = [check_id for check_id in checks if check_id.startswith("server-")]
    assert server_checks and all(checks[c]["status"] == "skipped" for c in server_checks), text
    assert "no MariaDB server could run here (NETGRADER_MARIADB=off)" in checks["server-listens"]["skip_reason"]
    assert all(checks[c]["status"] == "passed" for c in checks if c.startswith("client-")), text
    assert code == 0
    assert all(check["status"] == "passed" for check in plain["checks"])  # dict.txt needs no database
