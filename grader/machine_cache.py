"""What the grader makes once per machine and user and keeps in the user's cache (the
students' Python, MariaDB's data directory template), made so that graders starting at once
never see half of one."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
from pathlib import Path


@functools.cache
def tool(name: str) -> str | None:
    """Where a program of this machine is (bwrap, prlimit, unshare), looked up once per process:
    a grading starts dozens of processes, and each lookup walks PATH."""
    return shutil.which(name)


def cache_dir() -> Path:
    """Where the grader keeps what it makes once per machine and user."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "netgrader"


def made_once(target: Path, build) -> Path:
    """`target`, made by `build(folder)` in a folder of its own under the cache and renamed into
    place: graders starting at once never see half of one (the loser's copy is thrown away)."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="building-", dir=target.parent))
    try:
        build(building)
        with contextlib.suppress(OSError):  # another grader made it meanwhile
            building.rename(target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target
