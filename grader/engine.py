"""The engine as a library: load an exercise once, grade any number of submissions with it.

    from grader import Grader

    with Grader("udp_dict") as grader:            # the exercise is loaded and checked once
        for folder in folders:
            result = grader.grade(folder)         # a GradeResult: checks, points, verdicts
            print(folder, result.points, result.max_points, result.passed)

Every grading is independent: what one leaves (processes, namespaces, control groups,
temporary folders, database rows) is gone before `grade()` returns. What is worth keeping warm
is kept by the grader (grader/services.py): the next check's namespace, made while this one
runs, and the private MariaDB, started once. `close()` (or the `with` block) releases them.

pytest is the engine: each grading is one `pytest.main` run, handed the exercise, the resolved
submission and the services as a plugin object (grader/plugin.py), never as argv strings or
environment variables. Plugin autoloading is off and only what grading needs is loaded, which
keeps a run small: the two plugins it needs are handed over as modules too (`-p NAME` would
make pytest read every installed package's entry points, twice a grading); `-p no:terminal`
leaves the talking to grader/report.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import pytest_timeout

from . import neutral, plugin, spec, student_python
from .discover import Unreadable, inspect, plain_copy, plainly_named
from .errors import GraderError, HarnessError
from .i18n import submission_error
from .exercises import find_exercise
from .plugin import GradingRun
from .results import GradeResult
from .services import Services
from .submission import Submission, resolve

PYTEST_ARGS = (
    "--disable-plugin-autoload",
    "-p", "no:terminal",
    "-p", "no:cacheprovider",
    "-p", "no:stepwise",
    "-p", "no:doctest",
    "-p", "no:unraisableexception",  # its gc.collect() at exit costs more than it finds here
    "-p", "no:threadexception",
    # What a grading never uses, each a plugin registered and asked at every hook, in every run
    "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:debugging", "-p", "no:faulthandler",
    "-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:legacypath", "-p", "no:logging", "-p", "no:warnings",
    "-c", os.devnull,
)


class Grader:
    """Grades submissions of one exercise, one after another.

    `exercise`: an id (`udp_dict`), a path to its YAML, or a loaded spec.Exercise.
    `isolation`: auto (default: $NETGRADER_ISOLATION or auto), netns or loopback.
    `strict`: every advisory check counts as required."""

    def __init__(self, exercise: str | Path | spec.Exercise, isolation: str | None = None, strict: bool = False):
        self.exercise = exercise if isinstance(exercise, spec.Exercise) else spec.load(find_exercise(exercise))
        self.strict = strict
        self.services = Services(isolation)
        self._closed = False

    def submission(self, folder: str | Path, files: dict[str, str] | None = None) -> Submission:
        """Which file of `folder` plays which role; SubmissionError when none can be graded."""
        submission = resolve(folder, self.exercise, files)
        if not submission.files and not submission.found:
            raise submission_error("submission.no_scripts", folder=str(folder), files=", ".join(self.exercise.files.values()))
        return submission

    def grade(self, folder: str | Path | Submission, files: dict[str, str] | None = None,
              checks: list[str] | None = None) -> GradeResult:
        """Grade one submission. `files` maps a role to the student's own file name
        ({"server": "udp_server.py"}); `checks` runs only these (and the checks they need)."""
        if self._closed:
            raise GraderError("this grader is closed")
        if not isinstance(folder, Submission) and Path(folder).is_dir() and not (
                plainly_named(Path(folder)) and neutral.name(str(Path(folder).resolve())) == str(Path(folder).resolve())):
            return self._grade_plain_copy(Path(folder), files, checks)
        submission = folder if isinstance(folder, Submission) else self.submission(folder, files)
        known = self.exercise.check_ids
        self._refuse_unknown(checks or (), known)
        student_python.ensure_untouched()
        run = GradingRun(self.exercise, submission, self.services, checks or (), self.strict)
        args = [str(self.exercise.path), *PYTEST_ARGS, "--rootdir", str(self.exercise.path.parent.parent)]
        code = pytest.main(args, plugins=[plugin, pytest_timeout, run])
        if code == pytest.ExitCode.INTERRUPTED:
            raise KeyboardInterrupt
        ok = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED)
        if code not in ok or not run.collected:
            raise HarnessError(f"pytest could not grade {self.exercise.path} (exit code {int(code)})")
        self._refuse_unknown(checks or (), [check.id for check in run.result.checks] + known)
        return run.result

    def _grade_plain_copy(self, folder: Path, files, checks) -> GradeResult:
        """A submission whose names are not plain text (GBK bytes from a Chinese Windows zip,
        control characters) is graded from a copy named as a person reads it (grader/neutral.py):
        its report and files never carry bytes no reader can decode."""
        try:
            inspect(folder)
        except Unreadable as error:
            raise submission_error(error.message.key, **error.message.params) from None
        with tempfile.TemporaryDirectory(prefix="netgrader-named-") as copy:
            plain = Path(copy) / neutral.name(folder.resolve().name)
            plain_copy(folder, plain)
            result = self.grade(plain, files, checks)
        result.submission = neutral.name(str(folder.resolve()))
        return result

    def _refuse_unknown(self, wanted, known) -> None:
        unknown = [check for check in wanted if check not in known]
        if unknown:
            raise GraderError(f"unknown check {', '.join(unknown)} in {self.exercise.id}; its checks: {', '.join(known)}")

    def close(self) -> None:
        self._closed = True
        self.services.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def grade(exercise, submission, files=None, checks=None, isolation=None, strict=False) -> GradeResult:
    """One grading, with a grader of its own (the CLI's case)."""
    with Grader(exercise, isolation, strict) as grader:
        return grader.grade(submission, files, checks)
