"""Grade one submission against one exercise by running pytest with the netgrader plugin.

The one entry point every user shares: the CLI, the test suite and (later) batch grading.
Plugin autoloading is switched off and only what grading needs is loaded, which keeps
pytest's start-up small; `-p no:terminal` leaves the talking to grader/report.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import net
from .errors import GraderError, HarnessError
from .results import GradeResult
from .spec import Exercise


class _Sink:
    """Catches the pytest config so the results can be read after the run."""

    config = None

    def pytest_configure(self, config):
        self.config = config


def grade(
    exercise: Exercise,
    submission: str | Path,
    overrides: dict[str, str] | None = None,
    checks: list[str] | None = None,
    isolation: str | None = None,
    strict: bool = False,
) -> GradeResult:
    """`strict`: every advisory check counts as required."""
    from .plugin import GRADING

    yaml_ids = [check.id for check in exercise.checks]
    if not exercise.python_checks:
        _unknown_checks(exercise, checks or (), yaml_ids)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    args = [
        str(exercise.path),
        "-p", "grader.plugin",
        "-p", "pytest_timeout",
        "-p", "no:terminal",
        "-p", "no:cacheprovider",
        "-p", "no:stepwise",
        "-p", "no:doctest",
        "-p", "no:unraisableexception",  # its gc.collect() at exit costs more than it finds here
        "-p", "no:threadexception",
        "-c", os.devnull,
        "--rootdir", str(exercise.path.parent.parent),
        "--submission", str(submission),
    ]
    for role, path in (overrides or {}).items():
        args += ["--file", f"{role}={path}"]
    for check in checks or ():
        args += ["--check", check]
    if isolation:
        args += ["--isolation", isolation]
    if strict:
        args.append("--all-required")
    sink = _Sink()
    net.make_ahead(True)
    try:
        code = pytest.main(args, plugins=[sink])
    finally:
        net.make_ahead(False)
    results = sink.config.stash[GRADING].results if sink.config else {}
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    ok = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED)
    if exercise.id not in results or code not in ok:
        raise HarnessError(f"pytest could not grade {exercise.path} (exit code {int(code)})")
    result = results[exercise.id]
    _unknown_checks(exercise, checks or (), [check.id for check in result.checks] + yaml_ids)
    return result


def _unknown_checks(exercise: Exercise, wanted, known) -> None:
    unknown = [check for check in wanted if check not in known]
    if unknown:
        raise GraderError(f"unknown check {', '.join(unknown)} in {exercise.id}; its checks: {', '.join(known)}")
