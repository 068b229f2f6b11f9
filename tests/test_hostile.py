"""Hostile programs (tests/hostile/*/server.py): each grading ends within its bound, the report
says what happened, and nothing of the check is left: no process, no control group, no file
outside its directory."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, confined, confinement, left_behind, run_grader
from grader.limits import LIMITS

HOSTILE = sorted(p.parent for p in (ROOT / "tests" / "hostile").glob("*/expect.yaml"))


@pytest.mark.parametrize("folder", HOSTILE, ids=lambda p: p.name)
def test_a_hostile_program_is_contained(tmp_path, folder):
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    if expect.get("needs_bubblewrap") and not confined():
        pytest.skip("without bubblewrap this program would reach the grader itself")
    out = tmp_path / "report.json"
    started = time.monotonic()
    done = run_grader("grade", expect["exercise"], str(folder), "--check", expect["check"], "--json", str(out),
                      "--lang", "en", "--file", "client=server.py", timeout=expect["within"] + 30)
    took = time.monotonic() - started
    report = json.loads(out.read_text(encoding="utf-8"))
    check = next(c for c in report["checks"] if c["id"] == expect["check"])
    assert took < expect["within"], f"took {took:.1f} s\n{done.stdout}"
    assert check["status"] == expect["status"], done.stdout
    for words in expect["says"]:
        words = words.replace("{confinement}", confinement())  # what the report names as isolating it
        assert words.lower() in done.stdout.lower(), done.stdout
    assert "Traceback (most recent call last):\n  File \"/" not in done.stderr
    assert left_behind(done.pid) == []  # gone the moment the grader ended
    for path in expect.get("outside") or ():
        assert not Path(path).expanduser().exists(), f"{path} was written outside the sandbox"
    assert LIMITS.processes == 64  # the numbers the expectations quote
