"""Hostile programs (tests/hostile/*/server.py): each grading ends within its bound, the report
says what happened, and nothing of the check is left: no process, no control group, no file
outside its directory."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, confined, confinement, left_behind, run_grader
from grader.limits import LIMITS

HOSTILE = sorted(p.parent for p in (ROOT / "tests" / "hostile").glob("*/expect.yaml"))


def cases():
    """Each program once, and those marked `both_paths` once more through bubblewrap alone,
    where the fork server starts programs (root): no path may be weaker than the other."""
    for folder in HOSTILE:
        expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
        yield pytest.param(folder, "", id=folder.name)
        if expect.get("both_paths"):
            yield pytest.param(folder, "0", id=f"{folder.name}-bubblewrap")


def in_a_container(argv: list[str], tmp_path: Path, target: str) -> list[str]:
    """argv run in a mount namespace of its own where a file of the test's is bound over
    `target`, as a container runtime binds /etc/hosts: a writable mount inside /etc."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a mount namespace of the test's own needs root and util-linux's unshare")
    stand_in = tmp_path / "stand-in"
    stand_in.write_text("127.0.0.1 localhost\n")
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount --bind "$0" "$1" && shift && exec "$@"',
            str(stand_in), target, *argv]


@pytest.mark.parametrize("folder, forkserver", list(cases()))
def test_a_hostile_program_is_contained(tmp_path, folder, forkserver, monkeypatch):
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    if expect.get("needs_bubblewrap") and not confined():
        pytest.skip("without bubblewrap this program would reach the grader itself")
    if forkserver:
        monkeypatch.setenv("NETGRADER_FORKSERVER", forkserver)
    out = tmp_path / "report.json"
    started = time.monotonic()
    wrap = (lambda argv: in_a_container(argv, tmp_path, expect["submount"])) if expect.get("submount") else None
    done = run_grader("grade", expect["exercise"], str(folder), "--check", expect["check"], "--json", str(out),
                      "--lang", "en", "--file", "client=server.py", timeout=expect["within"] + 30, wrap=wrap)
    took = time.monotonic() - started
    report = json.loads(out.read_text(encoding="utf-8"))
    check = next(c for c in report["checks"] if c["id"] == expect["check"])
    assert took < expect["within"], f"took {took:.1f} s\n{done.stdout}"
    assert check["status"] == expect["status"], done.stdout
    for words in expect["says"]:
        words = words.replace("{confinement}", confinement() if forkserver != "0" else "bubblewrap")
        assert words.lower() in done.stdout.lower(), done.stdout
    assert "Traceback (most recent call last):\n  File \"/" not in done.stderr
    assert "ESCAPED" not in done.stdout, done.stdout
    assert left_behind(done.pid) == []  # gone the moment the grader ended
    assert list(Path(tempfile.gettempdir()).glob(f"netgrader-{done.pid}-*")) == []  # its folders, however deep
    for path in expect.get("outside") or ():
        assert not Path(path).expanduser().exists(), f"{path} was written outside the sandbox"
    assert LIMITS.processes == 64  # the numbers the expectations quote
