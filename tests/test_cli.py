"""The command line as users meet it: exit statuses, messages for their mistakes, languages,
JSON, and the role mapping of misnamed files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

from conftest import ROOT, run_grader
from test_sandbox import alive_with


def test_passing_submission_exits_0_and_writes_json(tmp_path):
    out = tmp_path / "r.json"
    done = run_grader("grade", "udp_echo", "reference/udp_echo", "--check", "server-echoes", "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [c["id"] for c in report["checks"]] == ["server-listens", "server-echoes"]  # with what it needs
    assert report["score"] == report["max_score"] == 3
    assert report["isolation"].split(" + ")[0] in ("netns", "loopback")
    steps = report["checks"][1]["steps"]
    assert steps[2]["text"] == 'send "hello" → 127.0.0.1:8888' or report["isolation"].startswith("loopback")


def test_report_speaks_chinese_or_english(tmp_path):
    zh = run_grader("grade", "udp_echo", "reference/udp_echo", "--check", "server-listens", "--lang", "zh")
    en = run_grader("grade", "udp_echo", "reference/udp_echo", "--check", "server-listens", "--lang", "en")
    assert "服务器绑定 UDP 8888 端口" in zh.stdout and "1/1 分" in zh.stdout
    assert "the server binds UDP port 8888" in en.stdout and "1/1 points" in en.stdout
    by_locale = run_grader("grade", "udp_echo", "reference/udp_echo", "--check", "server-listens",
                           env={"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""})
    assert "分" in by_locale.stdout


def test_a_misnamed_file_is_found_by_what_it_does_and_named_in_a_warning(tmp_path):
    folder = tmp_path / "student"
    (folder / "day13").mkdir(parents=True)
    shutil.copy(ROOT / "reference/udp_echo/server.py", folder / "day13" / "udp_server.py")
    shutil.copy(ROOT / "reference/udp_echo/client.py", folder / "day13" / "客户端.py")
    (folder / "day13" / "notes.py").write_text("print('homework')\n")
    done = run_grader("grade", "udp_echo", str(folder), "--lang", "en")
    assert done.returncode == 0, done.stdout
    assert ("server.py is not there: graded day13/udp_server.py as the server, because it binds a UDP socket and "
            "calls recvfrom") in done.stdout
    assert "client.py is not there: graded day13/客户端.py as the client" in done.stdout
    assert done.stdout.rstrip().endswith("passed with 2 warnings\n11 passed, 0 failed")  # the verdict, then for CI logs


def test_a_missing_file_nothing_fits_is_named_with_the_files_found(tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "notes.py").write_text("print('homework')\n")
    shutil.copy(ROOT / "reference/udp_echo/client.py", folder / "client.py")
    done = run_grader("grade", "udp_echo", str(folder), "--lang", "en", "--check", "server-listens",
                      "--check", "client-sends")
    assert done.returncode == 1
    assert "server.py is missing, so a check could not run it. .py files in your folder: client.py, notes.py" in done.stdout
    assert "--file server=YOUR_FILE.py" in done.stdout
    assert "✓ client-sends" in done.stdout
    shutil.copy(ROOT / "reference/udp_echo/server.py", folder / "notes.py")
    fixed = run_grader("grade", "udp_echo", str(folder), "--file", "server=notes.py", "--check", "server-listens")
    assert fixed.returncode == 0, fixed.stdout


def test_user_mistakes_exit_2_without_a_traceback(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    a_file = tmp_path / "server.py"
    a_file.write_text("print(1)\n")
    a_zip = tmp_path / "sub.zip"
    a_zip.write_bytes(b"PK\x05\x06" + bytes(18))
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "server.py").symlink_to("/etc/hostname")
    gbk = tmp_path / "gbk"
    gbk.mkdir()
    (gbk / "server.py").write_bytes("# 你好，服务器\nprint(1)\n".encode("gbk"))
    cases = [
        (("grade", "udp_ech0", "reference/udp_echo"), "unknown exercise 'udp_ech0'; known exercises: "),
        (("grade", "udp_echo", str(tmp_path / "nowhere")), "does not exist"),
        (("grade", "udp_echo", str(a_file)), "is not a folder"),
        (("grade", "udp_echo", str(empty)), "holds no .py files; expected server.py, client.py"),
        (("grade", "udp_echo", str(a_zip)), "is not a folder"),
        (("grade", "udp_echo", str(linked)), "server.py is a symbolic link to /etc/hostname, outside"),
        (("grade", "udp_echo", str(gbk)), "server.py is not UTF-8 text (byte 0xc4 on line 1), so Python cannot run it: "
                                         "it looks like GBK"),
        (("grade", "udp_echo", "reference/udp_echo", "--check", "nope"), "unknown check nope"),
        (("grade", "udp_echo", "reference/udp_echo", "--file", "server"), "--file needs ROLE=PATH"),
        (("grade", "udp_echo", "reference/udp_echo", "--file", "proxy=x.py"), "has no role 'proxy'"),
        (("grade", "udp_echo", "reference/udp_echo", "--file", "server=../../etc/passwd"), "must be inside"),
    ]
    for args, words in cases:
        done = run_grader(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert words in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout


def test_list_shows_every_exercise():
    done = run_grader("list", "--lang", "en")
    assert done.returncode == 0
    for name in ("udp_echo", "udp_dict", "udp_chat"):
        assert name in done.stdout


def test_a_stopped_grading_leaves_nothing_behind(tmp_path):

    marker = f"netgrader-term-{uuid.uuid4().hex}"
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "server.py").write_text(
        f"import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])\n"
        f"print('up', flush=True)\n"
        f"time.sleep(600)\n"
    )
    (folder / "client.py").write_text("pass\n")
    grading = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", "udp_echo", str(folder), "--check", "server-listens"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    deadline = time.monotonic() + 10
    while not alive_with(marker) and time.monotonic() < deadline:
        time.sleep(0.02)  # a test-side poll for the student's child to appear
    assert alive_with(marker)
    grading.send_signal(signal.SIGTERM)
    out, err = grading.communicate(timeout=20)
    assert grading.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert alive_with(marker) == []
    assert not list(tmp_path.glob("netgrader-*"))


def test_a_submission_that_cannot_be_graded_is_explained_in_the_students_language(tmp_path):
    gbk = tmp_path / "gbk"
    gbk.mkdir()
    (gbk / "server.py").write_bytes("print('你好')\n".encode("gbk"))  # Notepad on a Chinese Windows
    shutil.copy(ROOT / "reference/udp_echo/client.py", gbk / "client.py")
    (tmp_path / "empty").mkdir()
    said = {}
    for case, folder in (("gbk", gbk), ("empty", tmp_path / "empty"), ("missing", tmp_path / "nowhere")):
        done = run_grader("grade", "udp_echo", str(folder), "--lang", "zh")
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        said[case] = done.stderr.strip()
    assert said["gbk"] == ("grader: server.py 不是 UTF-8 文本（第 1 行的字节 0xc4），Python 无法运行它：它看起来是 GBK 编码；"
                           "请另存为 UTF-8（或在第一行写上 `# -*- coding: gbk -*-`）")
    assert said["empty"] == f"grader: {tmp_path / 'empty'} 里没有 .py 文件；需要的是 server.py, client.py"
    assert said["missing"] == f"grader: 作业文件夹 {tmp_path / 'nowhere'} 不存在"
    english = run_grader("grade", "udp_echo", str(gbk), "--lang", "en")
    assert "server.py is not UTF-8 text (byte 0xc4 on line 1)" in english.stderr


def test_a_failures_headline_names_what_failed_in_one_language():
    for lang, headline in (("en", "***** Unsuccessful: a blank line ends the response's head *****"),
                           ("zh", "***** 未通过：响应头以一个空行结束 *****")):
        done = run_grader("grade", "http_hello", str(ROOT / "tests/students/http_hello/no-blank-line"), "--lang", lang,
                          "--check", "status-line")
        lines = [line.strip() for line in done.stdout.splitlines()]
        assert headline in lines, done.stdout  # not "the response has status 200", right after HTTP/1.1 200 OK
    from grader.i18n import tr
    from grader.results import Message

    expected = [Message("expect.status", {"status": 200}), Message("expect.content_type", {"type": "text/html"})]
    assert tr("zh", "step.response", {"expected": expected}) == "响应包含状态码 200，Content-Type: text/html"


def test_the_hint_belongs_to_the_failure_that_happened(tmp_path):
    """Not the check's own help when the failure is another: an empty reply to a known word in
    the unknown-word check, a missing client in a check about what the client sends."""
    folder = tmp_path / "split"
    shutil.copytree(ROOT / "tests/students/udp_dict/split-one-space", folder)  # no client.py in it
    done = run_grader("grade", "udp_dict", str(folder), "--lang", "en", "--json", str(tmp_path / "r.json"))
    checks = {c["id"]: c for c in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["checks"]}
    unknown = checks["server-unknown-word"]
    assert unknown["kind"] == "wrong_reply" and unknown["hints"][0].startswith("the reply was empty"), done.stdout
    assert not any("dict.get" in hint for hint in unknown["hints"])
    assert done.stdout.count("client.py is missing, so 4 checks could not run it. .py files in your folder: server.py") == 1
    assert done.stdout.count("client.py is missing (see above)") == 4  # one message for the submission...
    assert "input().encode()" not in done.stdout  # ...without each check's unrelated help
    assert f"say which file it is: {ROOT / '.venv' / 'bin' / 'grader'} grade udp_dict {folder} --lang en --file client=YOUR_FILE.py" \
        in done.stdout
    sends = checks["client-sends"]
    assert sends["kind"] == "missing_file"
    assert sends["hints"] == ["name your file client.py, or run: grader grade EX SUB --file client=YOUR_FILE.py"]


def test_a_python_check_is_listed_counted_and_located_in_its_own_file(tmp_path):
    listed = run_grader("list")
    assert "udp_echo " in listed.stdout and "udp_echo" in [line.split()[0] for line in listed.stdout.splitlines()]
    assert "client=client.py; 11 checks]" in next(line for line in listed.stdout.splitlines() if line.startswith("udp_echo "))
    unknown = run_grader("grade", "udp_echo", str(ROOT / "reference/udp_echo"), "--check", "nope")
    assert unknown.returncode == 2 and unknown.stderr.rstrip().endswith("server-replies-from-its-socket")
    run_grader("grade", "udp_echo", str(ROOT / "reference/udp_echo"), "--json", str(tmp_path / "r.json"))
    checks = {c["id"]: c for c in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["checks"]}
    assert checks["server-replies-from-its-socket"]["location"].endswith("exercises/udp_echo/checks.py:11")


NO_NAMESPACES = """import ctypes, os, sys
from grader import seccomp
filter = ctypes.create_string_buffer(seccomp.program())
class Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.c_void_p)]
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(38, 1, 0, 0, 0)  # no_new_privs
assert libc.prctl(22, 2, ctypes.byref(Program(len(filter.raw) // 8, ctypes.cast(filter, ctypes.c_void_p))), 0, 0) == 0
os.execv(sys.executable, [sys.executable, "-m", "grader", *sys.argv[1:]])
"""


def test_where_no_namespace_can_be_made_a_batch_refuses_until_told_unconfined(tmp_path):
    """A machine (a container) that refuses every namespace: the grader, run under the students'
    own filter, finds none. A class is then graded only with --unconfined, and its reports say
    the network was not confined."""
    room = tmp_path / "class"
    shutil.copytree(ROOT / "reference" / "udp_echo", room / "s01")
    grader = [sys.executable, "-c", NO_NAMESPACES]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    refused = subprocess.run([*grader, "batch", "udp_echo", str(room), "--out", str(tmp_path / "out")], env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "no network namespace can be made here" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "out" / "gradebook.csv").exists()
    graded = subprocess.run([*grader, "grade", "udp_echo", str(room / "s01"), "--lang", "en", "--unconfined"],
                            env={**env, "CI": "true"}, capture_output=True, text=True, timeout=120)
    assert "the network is not confined" in graded.stdout, graded.stdout + graded.stderr
    ci = subprocess.run([*grader, "grade", "udp_echo", str(room / "s01")], env={**env, "CI": "true"},
                        capture_output=True, text=True, timeout=120)
    assert ci.returncode == 2 and "--unconfined" in ci.stderr, ci.stderr


def test_doctor_says_what_the_machine_gives_the_sandbox_and_reports_carry_its_fingerprint(tmp_path):
    done = run_grader("doctor", "--json")
    parts = {part["name"]: part for part in json.loads(done.stdout)["parts"]}
    assert set(parts) >= {"root", "user namespaces", "network", "seccomp", "bubblewrap", "fork server",
                          "control groups", "disk quota", "chromium", "mariadb"}
    assert all(part["remedy"] for part in parts.values() if not part["ok"] and part["name"] != "fork server")
    assert done.returncode == (0 if all(parts[name]["ok"] for name in ("network", "seccomp", "control groups")) else 1)
    text = run_grader("doctor").stdout
    assert "programs start through" in text and "seccomp" in text
    out = tmp_path / "report.json"
    run_grader("grade", "udp_echo", str(ROOT / "reference" / "udp_echo"), "--check", "server-listens", "--json", str(out))
    machine = json.loads(out.read_text(encoding="utf-8"))["machine"]
    assert machine["seccomp"] == parts["seccomp"]["ok"] and machine["root"] == (os.geteuid() == 0)
    assert machine["network_confined"] == parts["network"]["ok"]
