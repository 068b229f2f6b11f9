"""Engine rules seen through a small exercise of the test's own: a strict port, `needs`
skipping with the reason, hidden checks, points, and the JSON that carries them."""

from __future__ import annotations

import json
import textwrap

from conftest import run_grader

EXERCISE = """\
id: demo
title: {zh: 演示, en: demo}
handout: {zh: 说明, en: text}
files: {server: server.py}
ports:
  echo: {proto: udp, port: 8888, strict: true}
checks:
  - id: listens
    title: {zh: 监听, en: listens}
    points: 2
    steps:
      - start: server
      - listening: {port: echo, within: 3}
  - id: echoes
    title: {zh: 回声, en: echoes}
    needs: listens
    steps:
      - start: server
      - listening: echo
      - send: {port: echo, text: hi}
      - reply: {equals: hi}
  - id: secret
    title: {zh: 隐藏, en: hidden one}
    hidden: true
    steps:
      - start: server
      - listening: {port: echo, within: 3}
"""


def grade(tmp_path, server_code: str, exercise: str = EXERCISE, *options: str):
    (tmp_path / "exercises").mkdir(exist_ok=True)
    spec_path = tmp_path / "exercises" / "demo.yaml"
    spec_path.write_text(exercise, encoding="utf-8")
    folder = tmp_path / "sub"
    folder.mkdir(exist_ok=True)
    (folder / "server.py").write_text(textwrap.dedent(server_code), encoding="utf-8")
    out = tmp_path / "out.json"
    done = run_grader("grade", str(spec_path), str(folder), "--lang", "en", "--json", str(out), *options)
    return done, json.loads(out.read_text(encoding="utf-8"))


def test_strict_port_fails_skips_dependants_and_hides_hidden_details(tmp_path):
    done, report = grade(tmp_path, """
        from socket import *
        s = socket(AF_INET, SOCK_DGRAM)
        s.bind(('0.0.0.0', 9999))
        while True:
            data, addr = s.recvfrom(100)
            s.sendto(data, addr)
    """)
    assert done.returncode == 1
    listens, echoes, secret = report["checks"]
    assert (listens["status"], listens["kind"]) == ("failed", "wrong_port")
    assert "bound udp port 9999; this exercise requires port 8888" in listens["message"]
    assert (echoes["status"], echoes["skip_reason"]) == ("skipped", "skipped: it needs listens, which did not pass")
    assert secret["status"] == "failed"
    assert report["score"] == 0 and report["max_score"] == 4
    assert "✗ secret  hidden one" in done.stdout
    assert "requires port 8888" in done.stdout  # the visible check explains itself...
    assert done.stdout.count("requires port 8888") == 1  # ...the hidden one does not


def test_points_add_up_when_everything_passes(tmp_path):
    done, report = grade(tmp_path, """
        from socket import *
        s = socket(AF_INET, SOCK_DGRAM)
        s.bind(('', 8888))
        while True:
            data, addr = s.recvfrom(100)
            s.sendto(data, addr)
    """)
    assert done.returncode == 0, done.stdout
    assert report["score"] == report["max_score"] == 4
    assert done.stdout.endswith("4/4 points — 3 passed, 0 failed, 0 advisory not met, 0 skipped\npassed\n3 passed, 0 failed\n")


def test_an_advisory_check_warns_and_strict_makes_it_fail(tmp_path):
    advisory = EXERCISE.replace("    needs: listens\n", "    needs: listens\n    level: advisory\n")
    upper = """
        from socket import *
        s = socket(AF_INET, SOCK_DGRAM)
        s.bind(('', 8888))
        while True:
            data, addr = s.recvfrom(100)
            s.sendto(data.upper(), addr)
    """
    done, report = grade(tmp_path, upper, advisory)
    assert done.returncode == 0, done.stdout
    echoes = report["checks"][1]
    assert (echoes["status"], echoes["kind"], echoes["level"], echoes["warned"]) == ("failed", "wrong_reply", "advisory", True)
    assert report["passed"] and report["score"] == 3 and report["warning_count"] == 1
    assert "⚠ echoes  echoes" in done.stdout and "[advisory: the handout does not ask for this" in done.stdout
    assert 'expected a reply that equals hi, got "HI"' in done.stdout  # the cause and the hint are kept
    assert (echoes["expected"], echoes["actual"]) == ("hi", '"HI"')  # typed, whatever the kind
    assert done.stdout.endswith("3/4 points — 2 passed, 0 failed, 1 advisory not met, 0 skipped\npassed with 1 warning\n3 passed, 0 failed\n")

    done, report = grade(tmp_path, upper, advisory, "--strict")
    assert done.returncode == 1, done.stdout
    assert (report["checks"][1]["level"], report["checks"][1]["warned"]) == ("required", False)
    assert done.stdout.endswith("failed: 1 of the required checks did not pass\n2 passed, 1 failed\n")
    assert "--lang en --strict --check echoes" in done.stdout  # the rerun keeps the level and the language


def test_a_browser_check_is_skipped_with_the_reason_where_there_is_no_chromium(tmp_path):
    from conftest import ROOT

    out = tmp_path / "out.json"
    done = run_grader("grade", "http_image", str(ROOT / "reference" / "http_image"), "--json", str(out),
                      "--lang", "en", env={"NETGRADER_CHROMIUM": "no-such-browser"})
    checks = {c["id"]: c for c in json.loads(out.read_text(encoding="utf-8"))["checks"]}
    assert checks["browser-shows-image"]["status"] == "skipped"
    assert "no Chromium" in checks["browser-shows-image"]["skip_reason"]
    assert all(c["status"] == "passed" for name, c in checks.items() if name != "browser-shows-image")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "apt-get install chromium" in done.stdout


def test_a_crash_is_placed_at_the_students_line(tmp_path):
    done, report = grade(tmp_path, """
        from socket import *
        s = socket(AF_INET, SOCK_DGRAM)
        s.bind(('', 8888))
        words = {}
        while True:
            data, addr = s.recvfrom(100)
            s.sendto(words[data].encode(), addr)
    """)
    echoes = report["checks"][1]
    assert (echoes["kind"], echoes["script"], echoes["line"]) == ("crashed", "server.py", 8), done.stdout
    assert "at line 8: s.sendto(words[data].encode(), addr)" in echoes["message"]
