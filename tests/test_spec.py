"""A malformed exercise names file:line and what was expected; `grader validate` exits 2
with that message and no traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, run_grader
from grader import spec
from grader.errors import SpecError

GOOD = """\
id: demo
title: {zh: 演示, en: demo}
handout: {zh: 说明, en: text}
files: {server: server.py}
ports:
  echo: {proto: udp, port: 8888}
checks:
  - id: server-listens
    title: {zh: 监听, en: listens}
    steps:
      - start: server
      - listening: {port: echo, within: 3}
"""


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "exercises"
    folder.mkdir(exist_ok=True)
    path = folder / "demo.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path, text) -> str:
    with pytest.raises(SpecError) as caught:
        spec.load(write(tmp_path, text))
    return str(caught.value)


def test_a_good_exercise_loads_with_defaults(tmp_path):
    exercise = spec.load(write(tmp_path, GOOD))
    check = exercise.check("server-listens")
    assert check.line == 8
    assert check.steps[0].args == {"student": "server", "stdin": (), "eof": False}
    assert check.steps[1].timeout == 3.0
    assert exercise.ports["echo"].port == 8888
    assert check.level == "required" and not check.advisory


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        ("      - listening: {port: echo, within: 3}", "      - listen: {port: echo}", 12, "unknown step 'listen'"),
        ("{port: echo, within: 3}", "{port: ech0, within: 3}", 12, "unknown port 'ech0'"),
        ("{port: echo, within: 3}", "{port: echo, within: soon}", 12, "'within' must be a int or float"),
        ("{port: echo, within: 3}", "{port: echo, timeout: 3}", 12, "has no argument 'timeout'"),
        ("      - start: server", "      - start: client", 11, "unknown role 'client'"),
        ("    title: {zh: 监听, en: listens}", "    title: {zh: 监听}", 9, "'title' must give a text for each of: zh, en"),
        ("  - id: server-listens", "  - id: Server Listens", 8, "must be lowercase"),
        ("  echo: {proto: udp, port: 8888}", "  echo: {proto: sctp, port: 8888}", 6, "proto must be udp or tcp"),
        ("files: {server: server.py}", "files: {server: server.py}\nfixtures: [dict.txt]", 5, "fixture 'dict.txt' is missing"),
        ("id: demo", "id: other", 1, "must match the file name"),
        ("    steps:", "    needs: later\n    steps:", 10, "needs 'later', which is not a check defined above it"),
        ("      - start: server", "      - start: {student: server\n", 13, "flow mapping at line 11"),
        ("    title: {zh: 监听, en: listens}", "    title: {zh: 监听, en: listens}\n    title: {zh: 监听, en: listens}", 10, "appears twice"),
        ("checks:", "colour: blue\nchecks:", 7, "unknown key 'colour' in an exercise"),
        ("      - listening: {port: echo, within: 3}", "      - send: {port: echo, text: hi, chunk: 1}", 12,
         "'send' with 'chunk' or 'paced' needs a tcp port"),
        ("      - listening: {port: echo, within: 3}", "      - upload: {port: echo, size: 10}", 12,
         "step 'upload' needs a tcp port"),
        ("      - listening: {port: echo, within: 3}", "      - upload: {port: echo}", 12, "needs 'file' (a fixture) or 'size'"),
        ("    steps:", "    level: optional\n    steps:", 10, "level must be required or advisory, not 'optional'"),
        ("checks:", "stand_ins: {image.jpg: ['*.jpg']}\nchecks:", 7, "stand_ins: 'image.jpg' is not one of the fixtures (none)"),
        ("checks:", "prompts:\n  - {matches: 'ip(', answer: 127.0.0.1}\nchecks:", 8, "prompt pattern 'ip(' is not a valid regular expression"),
        ("checks:", "prompts:\n  - {matches: ip}\nchecks:", 8, "a prompt needs the key 'answer'"),
        ("      - listening: {port: echo, within: 3}", "      - listening: {port: echo, within: 3}\n"
         "  - id: later\n    title: {zh: 后, en: later}\n    needs: server-listens\n    steps: [start: server]",
         16, "required check 'later' needs 'server-listens', which is advisory"),
        ("checks:", "database:\n  name: dict\n  tables:\n    words: {columns: [word, mean], rows: dict.txt}\nchecks:", 10,
         "table 'words': rows 'dict.txt' is not one of the fixtures (none)"),
        ("checks:", "database:\n  name: my dict\n  tables: {}\nchecks:", 8, "database name must be a plain name"),
        ("checks:", "database:\n  name: dict\n  tables:\n    words: {columns: [id, word]}\nchecks:", 10,
         "table 'words' needs the key 'rows'"),
        ("checks:", "database: {name: dict, port: 3306}\nchecks:", 7, "database needs the key 'tables'"),
        ("    steps:", "    help: {zh: 帮助, en: help, for: [wrong_anwser]}\n    steps:", 10,
         "help's `for` names 'wrong_anwser', which is no failure kind"),
        ("    steps:", "    help: {zh: 帮助, en: help, hint: extra}\n    steps:", 10, "'help' must give a text for each of: zh, en"),
    ],
)
def test_errors_name_the_line_and_what_was_expected(tmp_path, old, new, line, words):
    assert old in GOOD
    text = GOOD.replace(old, new)
    if "which is advisory" in words:
        text = text.replace("    title: {zh: 监听, en: listens}", "    title: {zh: 监听, en: listens}\n    level: advisory")
    message = error_of(tmp_path, text)
    path = tmp_path / "exercises" / "demo.yaml"
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_validate_reports_a_bad_file_without_a_traceback(tmp_path):
    path = write(tmp_path, GOOD.replace("listening:", "listenning:"))
    done = run_grader("validate", str(path))
    assert done.returncode == 2
    assert f"{path}:12: unknown step 'listenning'" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_help_names_the_failures_it_was_written_for(tmp_path):
    text = GOOD.replace("    steps:", "    help: {zh: 帮助, en: help, for: [not_listening, wrong_port]}\n    steps:")
    check = spec.load(write(tmp_path, text)).check("server-listens")
    assert check.help.en == "help" and check.help_for == ("not_listening", "wrong_port")


def test_every_help_of_the_course_names_its_failures():
    """One rule for hints: a check's help shows only for the failures it was written for, so
    the course's helps all say which (grader/verdict.py gives any other failure its own hint)."""
    unnamed = [f"{path.name}: {check.id}" for path in sorted((ROOT / "exercises").glob("*.yaml"))
               for check in spec.load(path).checks if check.help is not None and not check.help_for]
    assert unnamed == []


def test_every_shipped_exercise_validates():
    names = [str(p) for p in sorted((ROOT / "exercises").glob("*.yaml"))]
    done = run_grader("validate", *names)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": ok (") == len(names)


def test_validate_reports_every_check_in_error_and_every_file(tmp_path):
    two_bad = GOOD + """\
  - id: server-echoes
    title: {zh: 回声, en: echoes}
    needs: server-listens
    steps:
      - start: server
      - sned: {port: echo, text: hi}
  - id: after
    title: {zh: 之后, en: after}
    needs: server-echoes
    steps:
      - start: proxy
"""
    path = write(tmp_path, two_bad.replace("listening:", "listenning:"))
    other = tmp_path / "other.yaml"
    other.write_text("id: [\n", encoding="utf-8")
    done = run_grader("validate", str(path), str(ROOT / "exercises" / "udp_echo.yaml"), str(other))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{path}:12: unknown step 'listenning'" in done.stderr
    assert f"{path}:18: unknown step 'sned'" in done.stderr
    assert f"{path}:23: step 'start': unknown role 'proxy'" in done.stderr  # its `needs` on the broken one is not blamed
    assert "needs 'server-echoes'" not in done.stderr
    assert f"{other}:2: not valid YAML" in done.stderr and "udp_echo.yaml: ok (11 checks)" in done.stdout
