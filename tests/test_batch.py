"""`grader batch`: a class as teachers collect it (folders and zips, GBK names made by Chinese
Windows tools, a Mac's junk, misnamed and nested files, an empty folder, a hostile zip) graded
into a gradebook; nothing lost when the batch is killed, and a resumed batch grades only what
is missing; a grading past its deadline is recorded as such and the batch goes on."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, STUDENTS, run_grader
from test_students import assemble

pytestmark = pytest.mark.timeout(600)
REFERENCE = ROOT / "reference" / "udp_dict"


class GbkName(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as Chinese Windows tools write them."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def make_class(tmp: Path) -> Path:
    room = tmp / "class"
    room.mkdir()
    shutil.copytree(REFERENCE, room / "s01-alice")
    shutil.copytree(assemble(STUDENTS / "udp_dict" / "keyerror-unknown-word", tmp), room / "s02-bob")
    with zipfile.ZipFile(room / "s03-carol.zip", "w") as zipped:  # a day's folder, files named as she pleased,
        zipped.writestr(GbkName("作业/第13天/服务端.py"),  # her own copy of the words beside her server
                        (REFERENCE / "server.py").read_bytes().replace(b'open("dict.txt"', b'open("words.csv"'))
        zipped.writestr(GbkName("作业/第13天/words.csv"), (ROOT / "exercises" / "udp_dict" / "dict.txt").read_bytes())
        zipped.writestr(GbkName("作业/第13天/客户端.py"), (REFERENCE / "client.py").read_bytes())
        zipped.writestr("__MACOSX/作业/._服务端.py", b"\x00\x05\x16\x07")
        zipped.writestr("作业/.DS_Store", b"\x00\x00")
    with zipfile.ZipFile(room / "s04-dave.zip", "w") as zipped:
        zipped.writestr("../../outside.py", "print('escaped')\n")
    (room / "s05-erin").mkdir()
    (room / ".DS_Store").write_bytes(b"\x00")
    return room


def rows(out: Path) -> dict[str, dict]:
    return {row["student"]: row for row in rows_of(out)}


def rows_of(out: Path) -> list[dict]:
    text = (out / "gradebook.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # Excel in a Chinese locale reads it as UTF-8
    return list(csv.DictReader(text.decode("utf-8-sig").splitlines()))


def test_a_class_is_graded_into_a_gradebook_and_a_resumed_batch_grades_nothing_again(tmp_path):
    room = make_class(tmp_path)
    out = tmp_path / "out"
    done = run_grader("batch", "udp_dict", str(room), "--out", str(out), "--jobs", "2", "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    book = rows(out)
    assert sorted(book) == ["s01-alice", "s02-bob", "s03-carol", "s04-dave", "s05-erin"]
    assert (book["s01-alice"]["total"], book["s01-alice"]["max"], book["s01-alice"]["verdict"]) == ("15", "15", "passed")
    assert book["s02-bob"]["verdict"] == "failed" and book["s02-bob"]["server-unknown-word"] == "0"
    assert (book["s03-carol"]["total"], book["s03-carol"]["verdict"]) == ("15", "passed with warnings")
    assert book["s04-dave"]["verdict"] == "not gradable"
    assert "names a place outside its folder: ../../outside.py" in book["s04-dave"]["not graded because"]
    assert book["s05-erin"]["verdict"] == "not gradable" and "holds no .py files" in book["s05-erin"]["not graded because"]
    assert not (tmp_path / "outside.py").exists()
    results = {r["student"]: r for r in json.loads((out / "results.json").read_text(encoding="utf-8"))}
    carol = results["s03-carol"]["report"]
    assert any("graded 作业/第13天/服务端.py as the server" in w for w in carol["warnings"]), carol["warnings"]
    assert "[2/5] s02-bob  udp_dict  10/15  failed" in done.stdout or "s02-bob  udp_dict  10/15  failed" in done.stdout
    assert carol["files"] == {"server": "作业/第13天/服务端.py", "client": "作业/第13天/客户端.py"}
    from grader.store import Store

    store = Store(out)
    kept = {row.student: row.sources for row in store.rows()}
    store.close()
    assert 'open("words.csv"' in kept["s03-carol"]["server"]["text"]
    page = (out / "report.html").read_text(encoding="utf-8")  # the course's code, handed in twice, is no copy
    assert 'id="copied"' in page and "No pair shares 65% or more of its own code." in page

    again = run_grader("batch", "udp_dict", str(room), "--out", str(out), "--resume", "--lang", "en")
    assert again.returncode == 0
    assert "4 graded before (resumed)" in again.stdout and "udp_dict  15/15" not in again.stdout  # nothing graded twice
    assert rows(out) == book

    written = (out / "gradebook.csv").read_bytes()
    (out / "gradebook.csv").unlink()
    report = run_grader("report", str(out), "--lang", "en")
    assert report.returncode == 0 and (out / "gradebook.csv").read_bytes() == written
    seen = in_a_browser(out / "report.html", ROOT / "artifacts" / "report.png")
    assert seen["students"] == "5 students"
    assert seen["bars"] == 10  # the histogram
    assert "KeyError: 'qwertyzzz'" in seen["bob"]  # a failing student's transcript, as the student reads it
    assert "server-unknown-word" in seen["checks"] and "crashed ×1" in seen["checks"]

    roster = tmp_path / "roster.csv"  # as Excel saves it on a Chinese Windows: GBK, Chinese headers
    roster.write_bytes("学号,姓名,邮箱,文件夹\n2023001,张三,zs@x.edu,s01-alice\n2023002,李四,ls@x.edu,s02-bob\n"
                       "2023009,王五,ww@x.edu,s09-wang\n".encode("gbk"))
    assert run_grader("report", str(out), "--roster", str(roster), "--lang", "en").returncode == 0
    assert (out / "moodle.csv").read_text(encoding="utf-8").splitlines() == [
        "email,idnumber,name,UDP word dictionary", "zs@x.edu,2023001,张三,15", "ls@x.edu,2023002,李四,10",
        "ww@x.edu,2023009,王五,"]
    assert (out / "canvas.csv").read_text(encoding="utf-8").splitlines()[:2] == [
        "Student,ID,SIS User ID,SIS Login ID,Section,UDP word dictionary", "张三,,2023001,zs@x.edu,,15"]
    with_roster = rows(out)
    assert (with_roster["s01-alice"]["number"], with_roster["s01-alice"]["name"]) == ("2023001", "张三")
    assert with_roster["s09-wang"]["verdict"] == "not submitted"
    roster.write_text("姓名,邮箱\n张三,zs@x.edu\n", encoding="utf-8")
    bad = run_grader("report", str(out), "--roster", str(roster))
    assert bad.returncode == 2 and f"{roster}:1: no column names the students' folders" in bad.stderr


LOOK = """JSON.stringify({
  students: document.getElementById('students').innerText,
  bars: document.querySelectorAll('#histogram rect.bar').length,
  bob: document.getElementById('student-s02-bob').innerText,
  checks: document.getElementById('checks').innerText})"""


def in_a_browser(page: Path, screenshot: Path, height: int = 1400, at: str = "") -> dict:
    """What a teacher sees in report.html, read by Debian's headless Chromium; its screenshot
    is kept as an artifact (`at`: a section's id to scroll to first)."""
    import base64

    import tempfile

    from grader import browser

    executable = browser.find_chromium()
    if executable is None:
        pytest.skip("no Chromium here (apt-get install chromium)")
    shown = Path(tempfile.mkdtemp(dir="/tmp")) / page.name  # the browser runs as a user of its own (as root)
    shown.parent.chmod(0o755)
    shutil.copy(page, shown)
    shown.chmod(0o644)
    page = shown
    with browser.Browser(lambda argv: argv, executable, dict(os.environ)) as chromium:
        target = chromium.call("Target.createTarget", {"url": "about:blank"})
        session = chromium.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
        chromium.call("Page.enable", session=session)
        chromium.call("Emulation.setDeviceMetricsOverride", {"width": 1100, "height": height, "deviceScaleFactor": 1,
                                                             "mobile": False}, session=session)
        chromium.call("Page.navigate", {"url": page.as_uri() + (f"#{at}" if at else "")}, session=session)
        assert chromium.wait_event("Page.loadEventFired", 15) is not None
        seen = chromium.call("Runtime.evaluate", {"expression": LOOK, "returnByValue": True}, session=session)
        shot = chromium.call("Page.captureScreenshot", {"format": "png"}, session=session)
    shutil.rmtree(shown.parent)
    screenshot.parent.mkdir(exist_ok=True)
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    return json.loads(seen["result"]["value"])


def test_a_killed_batch_loses_no_grading_and_resumes_to_the_same_gradebook(tmp_path):
    room = make_class(tmp_path)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    assert run_grader("batch", "udp_dict", str(room), "--out", str(whole), "--jobs", "1", "--lang", "en").returncode == 0
    env = {**os.environ, "LANG": "C.UTF-8"}
    env.pop("NETGRADER_VIA_MAKE", None)
    batch = subprocess.Popen([sys.executable, "-m", "grader", "batch", "udp_dict", str(room), "--out", str(cut),
                              "--jobs", "1", "--lang", "en"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    graded = 0
    for line in batch.stdout:  # killed as soon as one real grading is committed
        if "udp_dict  1" in line:
            graded += 1
            break
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    batch.stdout.close()
    assert graded == 1
    from grader.store import Store

    store = Store(cut)
    kept = [row.student for row in store.rows() if row.status == "graded"]
    store.close()
    assert kept  # what finished before the kill is there
    resumed = run_grader("batch", "udp_dict", str(room), "--out", str(cut), "--resume", "--jobs", "2", "--lang", "en")
    assert resumed.returncode == 0
    assert f"{len(kept)} graded before (resumed)" in resumed.stdout
    assert rows(cut) == rows(whole)


def test_a_grading_past_its_deadline_is_recorded_and_the_batch_goes_on(tmp_path):
    room = tmp_path / "class"
    room.mkdir()
    (room / "s01-silent").mkdir()  # binds, never answers: every check waits its limit out
    (room / "s01-silent" / "server.py").write_text(
        "from socket import *\ns = socket(AF_INET, SOCK_DGRAM)\ns.bind(('', 8888))\nwhile True:\n    s.recvfrom(1024)\n")
    shutil.copy(REFERENCE / "client.py", room / "s01-silent" / "client.py")
    shutil.copytree(REFERENCE, room / "s02-fine")
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    out = tmp_path / "out"
    done = run_grader("batch", "udp_dict", str(room), "--out", str(out), "--jobs", "1", "--deadline", "4",
                      "--lang", "en", env={"TMPDIR": str(own_tmp)})
    assert done.returncode == 0, done.stdout + done.stderr
    book = rows(out)
    assert book["s01-silent"]["verdict"] == "timed out"
    assert "did not end within 4 s" in book["s01-silent"]["not graded because"]
    assert book["s02-fine"]["verdict"] == "passed"
    assert [p.name for p in own_tmp.iterdir()] == []  # the stopped worker's sandboxes are gone


def test_batch_usage_errors_are_one_line(tmp_path):
    missing = run_grader("batch", "udp_dict", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert missing.returncode == 2 and "is not a folder" in missing.stderr and "Traceback" not in missing.stderr
    unknown = run_grader("batch", "no_such_exercise", str(tmp_path), "--out", str(tmp_path / "o"))
    assert unknown.returncode == 2 and "unknown exercise" in unknown.stderr
    nothing = run_grader("report", str(tmp_path))
    assert nothing.returncode == 2 and "holds no batch" in nothing.stderr


def test_a_grader_error_is_tried_once_more_then_recorded_and_the_batch_goes_on(tmp_path):
    """A teacher's Python check that ends the worker's process: the worker dies mid-grading,
    the grading is tried again on a new worker, then recorded as the grader's error."""
    exercises = tmp_path / "exercises"
    (exercises / "demo").mkdir(parents=True)
    (exercises / "demo.yaml").write_text(
        "id: demo\ntitle: {zh: 演示, en: demo}\nhandout: {zh: 说明, en: text}\nfiles: {server: server.py}\n"
        "ports:\n  echo: {proto: udp, port: 8888}\npython_checks: [checks.py]\nchecks:\n"
        "  - id: listens\n    title: {zh: 监听, en: listens}\n    steps:\n      - start: server\n"
        "      - listening: {port: echo, within: 3}\n", encoding="utf-8")
    (exercises / "demo" / "checks.py").write_text(
        "import os\n\ndef test_ends_the_worker(probe):\n    if 'crash' in str(probe.sandbox.submission.folder):\n"
        "        os._exit(3)\n", encoding="utf-8")
    room = tmp_path / "class"
    for name in ("s01-crash", "s02-fine"):
        (room / name).mkdir(parents=True)
        (room / name / "server.py").write_text(
            "from socket import *\ns = socket(AF_INET, SOCK_DGRAM)\ns.bind(('', 8888))\nwhile True:\n    s.recvfrom(9)\n")
    out = tmp_path / "out"
    done = run_grader("batch", str(exercises / "demo.yaml"), str(room), "--out", str(out), "--jobs", "1", "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    book = rows(out)
    assert book["s01-crash"]["verdict"] == "grader error"
    assert "worker ended unexpectedly (status 3)" in book["s01-crash"]["not graded because"]
    assert book["s02-fine"]["verdict"] == "passed"
    from grader.store import Store

    store = Store(out)
    attempts = {row.student: row.attempts for row in store.rows()}
    store.close()
    assert attempts == {"s01-crash": 2, "s02-fine": 1}


def test_progress_is_a_live_bar_on_a_terminal_and_one_line_a_submission_in_a_log(monkeypatch):
    import io
    import pty

    from grader.report.progress import Bar, Lines, for_terminal

    done = [{"student": "s01", "exercise": "udp_dict", "status": "graded", "points": 15, "max_points": 15,
             "passed": True, "warnings": 2, "duration": 1.44},
            {"student": "s02", "exercise": "udp_dict", "status": "not_gradable", "reason": "holds no .py files",
             "duration": 0}]
    log = io.StringIO()
    lines = for_terminal("en", log)
    assert type(lines) is Lines
    lines.start(300, 36)
    for row in done:
        lines.finished(row)
    assert log.getvalue().splitlines() == ["[ 37/300] s01  udp_dict  15/15  passed with 2 warnings  1.4 s",
                                           "[ 38/300] s02  udp_dict  not gradable: holds no .py files  0.0 s"]

    parent, child = pty.openpty()
    terminal = os.fdopen(child, "w")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    bar = for_terminal("en", terminal)
    assert type(bar) is Bar
    bar.start(3, 1)
    for row in done:
        bar.finished(row)
    bar.close()
    terminal.close()
    seen = b""
    while True:
        try:
            data = os.read(parent, 1 << 16)
        except OSError:  # the terminal's other end is closed: all is read
            break
        if not data:
            break
        seen += data
    os.close(parent)
    shown = seen.decode()
    assert "[2/3] s01  udp_dict  15/15  passed with 2 warnings" in shown and "3/3" in shown
    assert "passed with warnings 1" in shown and "not gradable 1" in shown and "\x1b[" in shown  # a drawn bar

    monkeypatch.setenv("CI", "true")  # a CI's log is not watched live, even through a terminal
    assert type(for_terminal("en", sys.stdout if sys.stdout.isatty() else io.StringIO())) is Lines


def test_why_a_zip_is_not_graded_is_said_in_the_batch_language(tmp_path):
    room = tmp_path / "room"
    room.mkdir()
    with zipfile.ZipFile(room / "s04-dave.zip", "w") as zipped:
        zipped.writestr("../../outside.py", "print('escaped')\n")
    (room / "s05-erin.zip").write_bytes(b"not a zip at all")
    out = tmp_path / "out"
    done = run_grader("batch", "udp_dict", str(room), "--out", str(out), "--jobs", "1", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    book = {row["学生"]: row["未评分的原因"] for row in rows_of(out)}
    assert book["s04-dave"] == "s04-dave.zip：里面有一个文件指向它所在文件夹之外的位置：../../outside.py"
    assert book["s05-erin"].startswith("s05-erin.zip：无法解压（")


def make_hostile_class(tmp: Path) -> Path:
    """A class where each hand-in attacks the batch through its name or its shape (issue 27):
    any one of them used to end the batch, or its --resume, in a traceback."""
    echo = ROOT / "reference" / "udp_echo"
    room = tmp / "hostile-class"
    room.mkdir()
    shutil.copytree(echo, room / "s01-ok")
    with zipfile.ZipFile(room / "s02-longname.zip", "w") as zipped:
        zipped.writestr("a" * 4000 + ".py", "print(1)\n")
        zipped.write(echo / "server.py", "server.py")
    gbk = os.fsdecode("s03-".encode() + "服务端".encode("gbk"))  # a folder as Linux's unzip names it
    (room / gbk).mkdir()
    shutil.copy(echo / "server.py", room / gbk / "server.py")
    (room / "s04-gbkfile").mkdir()
    shutil.copy(echo / "server.py", room / "s04-gbkfile" / os.fsdecode("服务端.py".encode("gbk")))
    (room / "s05-loop").mkdir()
    shutil.copy(echo / "server.py", room / "s05-loop" / "server.py")
    (room / "s05-loop" / "a").symlink_to(".")
    (room / "s06-fifo").mkdir()
    os.mkfifo(room / "s06-fifo" / "server.py")
    (room / "s07\x1b[2J\x1b[32mALL PASSED\x1b[0m").mkdir()
    shutil.copy(echo / "server.py", room / "s07\x1b[2J\x1b[32mALL PASSED\x1b[0m" / "server.py")
    (room / '=HYPERLINK("evil.example","x")').mkdir()
    shutil.copy(echo / "server.py", room / '=HYPERLINK("evil.example","x")' / "server.py")
    (room / "s10-twice").mkdir()  # a folder and a zip of one id: whichever was graded last won
    shutil.copy(echo / "server.py", room / "s10-twice" / "server.py")
    shutil.copy(room / "s02-longname.zip", room / "s10-twice.zip")
    writes = room / "s11-writes-through-a-link"  # a link, then a file whose name reads the same:
    writes.mkdir()  # the copy made the link and wrote the file through it, as root
    shutil.copy(echo / "server.py", writes / "server.py")
    for number in range(40):
        shown, raw = f"n{number}\\x81", os.fsdecode(f"n{number}".encode() + b"\x81")
        (writes / shown).symlink_to(tmp / "written-through-a-link")
        (writes / raw).write_text("written through a link the grader made\n")
    with zipfile.ZipFile(room / "s09-bomb.zip", "w", zipfile.ZIP_DEFLATED) as zipped:  # 40 x 12 MB: 500 KB packed
        for number in range(40):
            zipped.writestr(f"data{number}.bin", bytes(12 * 1024 * 1024))
        zipped.write(echo / "server.py", "server.py")
    return room


def test_a_hostile_class_is_one_row_a_hand_in_and_nothing_it_names_reaches_the_teacher_raw(tmp_path):
    room = make_hostile_class(tmp_path)
    out = tmp_path / "out"
    for resume in ((), ("--resume",)):
        done = run_grader("batch", "udp_echo", str(room), "--out", str(out), "--jobs", "2", "--lang", "en", *resume)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert "\x1b" not in done.stdout, done.stdout  # a name's escapes are shown, never obeyed
    book = rows(out)
    assert "s07\\x1b[2J\\x1b[32mALL PASSED\\x1b[0m" in book
    assert len(book) == 12
    assert not (tmp_path / "written-through-a-link").exists()
    assert book["s11-writes-through-a-link"]["server-listens"] == "1"
    assert "another hand-in has the same id (s10-twice, s10-twice.zip)" in book["s10-twice"]["not graded because"]
    assert "another hand-in has the same id" in book["s10-twice (2)"]["not graded because"]
    assert book["s01-ok"]["verdict"] == "passed"
    assert book["s03-服务端"]["verdict"] == "failed"  # graded: a server without its client
    assert book["s04-gbkfile"]["server-echoes"] == "2"  # 服务端.py, read as its Windows named it, graded
    assert "a name longer than a file system takes" in book["s02-longname"]["not graded because"]
    assert "a is a link to a folder that holds it" in book["s05-loop"]["not graded because"]
    assert "server.py is a named pipe (FIFO)" in book["s06-fifo"]["not graded because"]
    assert book["s09-bomb"]["verdict"] == "failed"  # graded, its 480 MB shared, never copied per check
    text = (out / "gradebook.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK" not in text and '"=HYPERLINK' not in text
    assert "\x1b" not in text and "\x1b" not in (out / "report.html").read_text(encoding="utf-8")
    again = run_grader("report", str(out), "--lang", "zh")
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
