"""What CI and the course platforms read, from one grading: the terminal report, JSON, JUnit,
GitHub Classroom's result, GitHub's annotations and job summary, Gradescope's results.json.
The points are decided once: every format carries the same per-check points and total, for a
submission that passes some checks and fails others (an advisory one and a hidden one among
them). Report files never cost a verdict: their folders are made before grading, or the option
is refused as a usage error."""

from __future__ import annotations

import base64
import json
import re
import textwrap
import xml.etree.ElementTree as ET

from conftest import run_grader

EXERCISE = """\
id: demo
title: {zh: 演示, en: demo}
handout: {zh: 说明, en: text}
files: {server: server.py}
ports:
  echo: {proto: udp, port: 8888}
checks:
  - id: listens
    title: {zh: 监听, en: listens}
    points: 2
    steps:
      - start: server
      - listening: {port: echo, within: 3}
  - id: echoes
    title: {zh: 回声, en: echoes what it gets}
    needs: listens
    steps:
      - start: server
      - listening: echo
      - send: {port: echo, text: hi}
      - reply: {equals: hi}
  - id: echoes-twice
    title: {zh: 两次, en: echoes twice}
    needs: echoes
    steps:
      - start: server
      - listening: echo
      - send: {port: echo, text: hi}
      - reply: {equals: hi}
  - id: keeps-case
    title: {zh: 大小写, en: keeps the case}
    level: advisory
    steps:
      - start: server
      - listening: echo
      - send: {port: echo, text: Ab}
      - reply: {equals: Ab}
  - id: secret
    title: {zh: 隐藏, en: hidden one}
    hidden: true
    points: 3
    steps:
      - start: server
      - listening: {port: echo, within: 3}
"""
SHOUTS = """\
from socket import *
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('', 8888))
while True:
    data, addr = s.recvfrom(100)
    s.sendto(data.upper(), addr)
"""
EXPECTED = {"listens": (2, 2), "echoes": (0, 1), "echoes-twice": (0, 1), "keeps-case": (0, 1), "secret": (3, 3)}


def setup(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "demo.yaml").write_text(EXERCISE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "server.py").write_text(SHOUTS, encoding="utf-8")
    return tmp_path / "exercises" / "demo.yaml", tmp_path / "sub"


def test_every_format_carries_the_same_points_for_each_check_and_the_same_total(tmp_path):
    exercise, folder = setup(tmp_path)
    outputs, summary = tmp_path / "github_output", tmp_path / "summary.md"
    reports = tmp_path / "reports" / "not" / "made" / "yet"
    done = run_grader("grade", str(exercise), str(folder), "--lang", "en", "--json", str(reports / "r.json"),
                      "--junit", str(reports / "junit.xml"), "--gradescope", str(reports / "gradescope.json"),
                      "--classroom", "--github", env={"GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()

    terminal = {m["id"]: (int(m["points"]), int(m["max"]))
                for m in re.finditer(r"^[✓✗⚠\-!] (?P<id>[\w-]+) .*?(?P<points>\d+)/(?P<max>\d+)$", done.stdout, re.M)}
    assert terminal == EXPECTED
    assert "5/8 points" in done.stdout
    assert lines[-2:] == ["failed: 1 of the required checks did not pass", "3 passed, 1 failed, 1 skipped"]

    report = json.loads((reports / "r.json").read_text(encoding="utf-8"))
    assert {c["id"]: (c["score"], c["max_score"]) for c in report["checks"]} == EXPECTED
    assert (report["score"], report["max_score"]) == (5, 8)

    suite = ET.parse(reports / "junit.xml").getroot().find("testsuite")
    junit = {}
    for case in suite.iter("testcase"):
        props = {p.get("name"): int(p.get("value")) for p in case.find("properties")}
        junit[case.get("name").split(":")[0]] = (props["points"], props["max_points"])
    assert junit == EXPECTED
    assert {p.get("name"): p.get("value") for p in suite.find("properties")}["points"] == "5"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "1", "1")
    echoes = next(case for case in suite.iter("testcase") if case.get("name").startswith("echoes:"))
    failure = echoes.find("failure")
    assert failure.get("type") == "wrong_reply" and "✗ echoes" in failure.text and "HI" in failure.get("message")
    keeps_case = next(case for case in suite.iter("testcase") if case.get("name").startswith("keeps-case"))
    assert keeps_case.find("failure") is None and "⚠ keeps-case" in keeps_case.find("system-out").text  # a warning

    line = next(line for line in outputs.read_text().splitlines() if line.startswith("result="))
    classroom = json.loads(base64.b64decode(line.removeprefix("result=")))
    assert (classroom["version"], classroom["status"], classroom["max_score"]) == (1, "fail", 8)
    assert {t["name"].split(":")[0].removeprefix("demo/"): (t["score"], t["max_score"]) for t in classroom["tests"]} == EXPECTED
    assert sum(t["score"] for t in classroom["tests"]) == 5
    assert "Points 5/8" in done.stdout

    gradescope = json.loads((reports / "gradescope.json").read_text(encoding="utf-8"))
    assert {t["name"].split(":")[0]: (t["score"], t["max_score"]) for t in gradescope["tests"]} == EXPECTED
    assert gradescope["score"] == 5
    assert {t["name"].split(":")[0]: t["visibility"] for t in gradescope["tests"]}["secret"] == "after_published"

    assert re.search(r"^::error title=echoes::wrong reply", done.stdout, re.M)
    assert re.search(r"^::warning title=keeps-case::", done.stdout, re.M)
    table = summary.read_text(encoding="utf-8")
    assert "### demo: 5/8" in table and "| ❌ | `echoes` echoes what it gets | 0/1 |" in table


def test_report_files_never_cost_a_verdict(tmp_path):
    exercise, folder = setup(tmp_path)
    (tmp_path / "taken").mkdir()
    refused = run_grader("grade", str(exercise), str(folder), "--junit", str(tmp_path / "taken"))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("grader: --junit") and "is a folder" in refused.stderr
    assert refused.stdout == ""  # refused before grading

    both = run_grader("grade", str(exercise), str(folder), "--json", "-", "--junit", "-")
    assert both.returncode == 2 and "only one of" in both.stderr

    piped = run_grader("grade", str(exercise), str(folder), "--lang", "en", "--json", "-")
    assert piped.returncode == 1
    assert json.loads(piped.stdout)["score"] == 5  # standard output is the JSON alone...
    assert "5/8 points" in piped.stderr  # ...and the report the student reads goes to standard error
