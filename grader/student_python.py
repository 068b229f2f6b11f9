"""The Python the students' programs run on: a bare virtual environment of the grader's own
Python with only the packages the course uses, made once per machine (grader/machine_cache.py)."""

from __future__ import annotations

import compileall
import contextlib
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import venv
from pathlib import Path

from .machine_cache import cache_dir, made_once

SPY_DIR = Path(__file__).with_name("spy")
# The environment every student program starts with (with its PATH, HOME, TMPDIR and mark):
# UTF-8 whatever the grader's locale, output unbuffered, no __pycache__ in the student's folder.
STUDENT_ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1",
               "PYTHONDONTWRITEBYTECODE": "1"}
STUDENT_PACKAGES = ("pymysql",)  # what the course's programs import beyond the standard library


def student_python() -> str:
    """The interpreter students run on: a bare virtual environment of the grader's own Python,
    made once per machine in the user's cache, with only the packages the course uses. Without
    the grader's packages (and the base installation's .pth files) a student process starts
    about a third faster and cannot import pytest or the grader. Falls back to the grader's
    interpreter if it cannot be made. Also compiles the spy once, so no student process pays
    for compiling it."""
    global _student_python, _made
    if _student_python is None:
        compileall.compile_file(str(SPY_DIR / "sitecustomize.py"), quiet=2)
        base = getattr(sys, "_base_executable", sys.executable)
        tag = hashlib.sha256(f"{base} {sys.version}".encode()).hexdigest()[:12]
        home = cache_dir() / f"python-{sys.version_info[0]}.{sys.version_info[1]}-{tag}"
        python = home / "bin" / "python"
        if not python.exists():
            with contextlib.suppress(OSError):
                made_once(home, venv.EnvBuilder(with_pip=False, symlinks=True, clear=True).create)
        if python.exists():
            _add_packages(home / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages")
            if home.stat().st_mode & 0o005 != 0o005:  # made in a private folder: the programs' own users read it
                home.chmod(0o755)
        _student_python = str(python) if python.exists() else sys.executable
        _made = (home, _fingerprint(home)) if python.exists() else None
    return _student_python


def ensure_untouched() -> None:
    """Before each grading: the students' environment is as it was made. A program run without
    bubblewrap's read-only view could have written into it (a sitecustomize.py, a .pth file,
    a package) and so into every later program; then it is put aside and made anew. A look at
    its 50-odd files' sizes and times: under 2 ms."""
    global _student_python, _made
    if _made is None:
        return
    home, made = _made
    if _fingerprint(home) == made:
        return
    with contextlib.suppress(OSError):
        home.rename(home.with_name(f"{home.name}-changed-{os.getpid()}"))
    shutil.rmtree(home.with_name(f"{home.name}-changed-{os.getpid()}"), ignore_errors=True)
    _student_python = _made = None
    student_python()


def _fingerprint(home: Path) -> list[tuple[str, int, int]]:
    found = []
    for path in home.rglob("*"):
        with contextlib.suppress(OSError):
            stat = path.lstat()
            found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return sorted(found)


def _add_packages(site: Path) -> None:
    """Copy the grader's STUDENT_PACKAGES into the students' environment, compiled (students
    run with PYTHONDONTWRITEBYTECODE, and bubblewrap shows them only this environment)."""
    for name in STUDENT_PACKAGES:
        found = importlib.util.find_spec(name)
        if found is None or not found.submodule_search_locations or (site / name).exists():
            continue
        try:
            copying = Path(tempfile.mkdtemp(prefix="copying-", dir=site))
        except OSError:
            continue  # a read-only cache: the import fails as it would in class
        try:
            shutil.copytree(found.submodule_search_locations[0], copying / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
            compileall.compile_dir(str(copying / name), quiet=2)
            (copying / name).rename(site / name)
        except OSError:
            pass  # another grader copied it meanwhile
        finally:
            shutil.rmtree(copying, ignore_errors=True)


_student_python: str | None = None
_made: tuple[Path, list] | None = None  # the environment and its fingerprint when this process took it
