"""Shared helpers for the suite: grading a folder through the real CLI, as users do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = ROOT / "tests" / "students"


def run_grader(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 240):
    """Run `python -m grader ARGS` and return the CompletedProcess (text mode)."""
    environment = {**os.environ, **(env or {})}
    environment.pop("NETGRADER_VIA_MAKE", None)
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def grade_json(exercise: str, folder: Path, tmp: Path, *extra: str) -> tuple[int, dict, str]:
    """Grade `folder`; return the exit status, the JSON report and the terminal report."""
    out = tmp / f"{exercise}-{folder.name}.json"
    done = run_grader("grade", exercise, str(folder), "--json", str(out), "--lang", "en", *extra)
    assert done.returncode in (0, 1), f"grader exit {done.returncode}: {done.stderr}{done.stdout}"
    return done.returncode, json.loads(out.read_text(encoding="utf-8")), done.stdout


def confined() -> bool:
    """Whether the grader runs student programs under bubblewrap, in the network it will use."""
    from grader import fsview, net

    network = net.open_network()
    try:
        return fsview.available(network)
    finally:
        network.close()
