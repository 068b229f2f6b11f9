"""Grade one submission against one exercise by running pytest with the netgrader plugin.

The one entry point every user shares: the CLI, the test suite and (later) batch grading.
Plugin autoloading is switched off and only what grading needs is loaded, which keeps
pytest's start-up small; `-p no:terminal` leaves the talking to grader/report.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .errors import HarnessError
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
) -> GradeResult:
    from .plugin import GRADING

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    args = [
        str(exercise.path),
        "-p", "grader.plugin",
        "-p", "pytest_timeout",
        "-p", "no:terminal",
        "-p", "no:cacheprovider",
        "-p", "no:stepwise",
        "-p", "no:doctest",
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
    sink = _Sink()
    code = pytest.main(args, plugins=[sink])
    results = sink.config.stash[GRADING].results if sink.config else {}
    if exercise.id not in results or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise HarnessError(f"pytest could not grade {exercise.path} (exit code {int(code)})")
    return results[exercise.id]
