"""Shared helpers for the suite: grading a folder through the real CLI, as users do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = ROOT / "tests" / "students"


def run_grader(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 240, wrap=None):
    """Run `python -m grader ARGS` and return the CompletedProcess (text mode), with the
    grader's `pid`: what it left carries that pid in its mark (netgrader-PID-...). `wrap`:
    argv -> the command that runs it (in a namespace of the test's own); it must exec it."""
    environment = {**os.environ, **(env or {})}
    environment.pop("NETGRADER_VIA_MAKE", None)
    argv = [sys.executable, "-m", "grader", *args]
    argv = wrap(argv) if wrap else argv
    with subprocess.Popen(argv, cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as grader:
        try:
            stdout, stderr = grader.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            grader.kill()
            raise
    done = subprocess.CompletedProcess(argv, grader.returncode, stdout, stderr)
    done.pid = grader.pid
    return done


def left_behind(pid: int) -> list:
    """What a grader of that pid left: processes carrying its checks' mark, and its checks'
    control groups. Only its own: other gradings may run on the machine meanwhile."""
    from grader.limits import CheckLimits
    from grader.proctree import marked_processes

    found = [f"process {p}" for p in marked_processes(f"NETGRADER_SANDBOX=netgrader-{pid}-".encode(), prefix=True)]
    probe = CheckLimits(name=f"netgrader-test-{os.getpid()}")
    parents = {group.parent for group in probe.groups}
    probe.close()
    return found + [f"control group {g}" for parent in parents for g in parent.glob(f"netgrader-{pid}-*")]


def checkout_copy(tmp: Path) -> Path:
    """What `pip install` is given in the tests that install the project: a copy of this
    checkout's package, course and metadata (never built in place, where it would leave build/)."""
    source = tmp / "netgrader"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("grader", "exercises", "reference"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    return source


def grade_json(exercise: str, folder: Path, tmp: Path, *extra: str, env: dict | None = None) -> tuple[int, dict, str]:
    """Grade `folder`; return the exit status, the JSON report and the terminal report."""
    out = tmp / f"{exercise}-{folder.name}.json"
    done = run_grader("grade", exercise, str(folder), "--json", str(out), "--lang", "en", *extra, env=env)
    assert done.returncode in (0, 1), f"grader exit {done.returncode}: {done.stderr}{done.stdout}"
    return done.returncode, json.loads(out.read_text(encoding="utf-8")), done.stdout


def confinement() -> str:
    """What confines the student's programs in the network the grader will use, as the report
    names it: "fork server", "bubblewrap" or ""."""
    from grader import net, sandbox

    network = net.open_network()
    try:
        return sandbox.confinement(network)
    finally:
        network.close()


def confined() -> bool:
    """Whether the grader runs student programs under bubblewrap, in the network it will use."""
    from grader import fsview, net

    network = net.open_network()
    try:
        return fsview.available(network)
    finally:
        network.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    no_skips(outcome.get_result())


def no_skips(report) -> None:
    """CI's rule: a test this machine can run is never skipped. With NETGRADER_NO_SKIPS set
    (.ci/run sets it), a skip is a failure unless its reason matches NETGRADER_ALLOWED_SKIPS
    (a regular expression: the fork server's tests in the pass that turns it off)."""
    import re

    if not (report.skipped and os.environ.get("NETGRADER_NO_SKIPS")) or hasattr(report, "wasxfail"):
        return
    reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
    allowed = os.environ.get("NETGRADER_ALLOWED_SKIPS")
    if allowed and re.search(allowed, reason):
        return
    report.outcome = "failed"
    report.longrepr = f"skipped where CI must run it: {reason}"
