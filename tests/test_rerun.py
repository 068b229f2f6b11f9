"""The rerun line a failed check prints reruns the same grading: run as printed, from the
student's own folder, it grades the same files in the same language and says the same. In
each of the three ways a grading is started: the grader, make, and pytest on the exercise."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, STUDENTS, run_grader

pytestmark = pytest.mark.timeout(300)
MARK = "只重跑这一项："


@pytest.fixture
def student(tmp_path):
    """A folder named as a Chinese student names it, with files named as they please."""
    folder = tmp_path / "张三 作业"
    folder.mkdir()
    shutil.copy(ROOT / "reference" / "udp_echo" / "server.py", folder / "my_server.py")
    shutil.copy(STUDENTS / "udp_echo" / "client-sends-newline" / "client.py", folder / "my_client.py")
    return folder


def block(text: str, check: str) -> list[str]:
    """What the report says of one check, without what changes from run to run (pids, times)."""
    lines, inside = [], False
    for line in text.splitlines():
        if re.match(r"^[✓✗⚠!\-] ", line) or not line.strip():
            inside = bool(line.strip()) and line.split()[1] == check
        if inside and MARK not in line:
            line = re.sub(r"[(（]pid \d+[)）]|\d+\.\d+ s|(?<=127\.0\.0\.1:)\d{5}", "…", line)  # the loopback mode's ports too
            lines.append(re.sub(r"\(\S*exercises/", "(exercises/", line))  # where the YAML is named from
    return lines


def rerun_from(text: str, folder, check: str = "client-sends") -> subprocess.CompletedProcess:
    line = next(line.split(MARK, 1)[1] for line in text.splitlines() if MARK in line and line.endswith(check))
    env = {k: v for k, v in os.environ.items() if k not in ("NETGRADER_VIA_MAKE", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return subprocess.run(["bash", "-c", line], cwd=folder, env=env, capture_output=True, text=True, timeout=240)


def test_the_graders_rerun_line_reruns_the_same_grading(student):
    first = run_grader("grade", "udp_echo", str(student), "--file", "server=my_server.py", "--file",
                       "client=my_client.py", "--lang", "zh", cwd=ROOT)
    assert first.returncode == 1
    again = rerun_from(first.stdout, student)
    assert again.returncode == 1, again.stdout + again.stderr
    assert block(again.stdout, "client-sends") == block(first.stdout, "client-sends")
    assert "未通过" in again.stdout and "client.py" not in again.stdout.replace("my_client.py", "")


def test_makes_rerun_line_reruns_the_same_grading_from_anywhere(student):
    env = {k: v for k, v in os.environ.items() if k not in ("NETGRADER_VIA_MAKE", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    first = subprocess.run(["make", "grade", "EX=udp_echo", f"SUB={student}", "FILE=server=my_server.py client=my_client.py",
                            "GRADE_LANG=zh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert "只重跑这一项：make -C " in first.stdout, first.stdout + first.stderr
    again = rerun_from(first.stdout, student)
    assert block(again.stdout, "client-sends") == block(first.stdout, "client-sends") != []


def test_pytests_rerun_line_grades_the_same_submission(student):
    env = {k: v for k, v in os.environ.items() if k not in ("NETGRADER_VIA_MAKE", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "zh_CN.UTF-8"  # pytest's report speaks the locale's language
    first = subprocess.run(["python", "-m", "pytest", str(ROOT / "exercises" / "udp_echo.yaml"), "--submission",
                            str(student), "--file=server=my_server.py", "--file=client=my_client.py", "--check",
                            "client-sends", "-p", "no:cacheprovider", "-q"], cwd=ROOT, env={**env, "PATH": f"{ROOT / '.venv' / 'bin'}:{env['PATH']}"},
                           capture_output=True, text=True, timeout=240)
    assert "1 failed" in first.stdout, first.stdout
    line = next(line.split(MARK, 1)[1] for line in first.stdout.splitlines() if MARK in line)
    assert "--submission" in line and "my_client.py" in line
    again = subprocess.run(["bash", "-c", line + " -p no:cacheprovider -q"], cwd=student,
                           env={**env, "PATH": f"{ROOT / '.venv' / 'bin'}:{env['PATH']}"}, capture_output=True,
                           text=True, timeout=240)
    assert "1 failed" in again.stdout, again.stdout  # not the reference's false pass


def test_a_folder_named_to_run_commands_runs_none_through_make_or_its_rerun_line(tmp_path):
    """make's SUB and FILE, and the rerun lines printed for them, are taken literally: a folder
    named `s01$(shell …)`, with a `…` and a $(…) and a quote, is graded, and nothing it names runs."""
    marks = [tmp_path / f"ran-{n}" for n in range(3)]
    name = f"s01$(shell touch {marks[0].name})`touch {marks[1].name}`$(touch {marks[2].name})'q"
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(ROOT / "reference" / "udp_echo" / "server.py", folder / "server.py")
    shutil.copy(STUDENTS / "udp_echo" / "client-sends-newline" / "client.py", folder / "my$client.py")
    env = {k: v for k, v in os.environ.items() if k not in ("NETGRADER_VIA_MAKE", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    first = subprocess.run(["make", "-C", str(ROOT), "grade", "EX=udp_echo", f"SUB={folder}", "FILE=client=my$client.py",
                            "GRADE_LANG=zh"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert "client-sends" in first.stdout and block(first.stdout, "client-sends"), first.stdout + first.stderr
    again = rerun_from(first.stdout, tmp_path)
    assert block(again.stdout, "client-sends") == block(first.stdout, "client-sends")
    assert [mark for mark in marks if mark.exists() or (ROOT / mark.name).exists()] == []
