"""pytest is the engine: this plugin turns each check of an exercise YAML into a pytest item.

Registered through the `pytest11` entry point, so `pytest exercises/udp_echo.yaml` grades
the reference solution and `--submission DIR` grades a student's folder. A check's `needs`
skips it (with the reason) when a check it builds on did not pass. Each step has its own
time limit; pytest-timeout only backs them up with the sum plus a margin.

Teachers can add ordinary pytest functions (listed under `python_checks:` in the YAML) that
use the `probe` fixture; `@pytest.mark.check(id=..., title={...}, points=..., needs=...)`
gives them the same metadata as a YAML check.

Results go into `config.stash[GRADING]`; the reporters read them from there. Student failures
get a student-facing view (CheckFailed); anything else is a grader bug and keeps its traceback.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from . import browser, database, spec, steps
from .errors import CheckFailed, HarnessError
from .probe import Probe
from .results import ERROR, FAILED, PASSED, SKIPPED, CheckResult, Failure, GradeResult, Message, ProcessReport
from .sandbox import Sandbox
from .submission import Submission, resolve

GRADING = pytest.StashKey["Grading"]()
PROBE = pytest.StashKey[Probe]()
TAIL_LINES = 15
TIMEOUT_MARGIN = 10.0


def pytest_addoption(parser):
    group = parser.getgroup("netgrader", "grading students' network programs")
    group.addoption("--submission", help="the folder to grade (default: reference/<exercise>)")
    group.addoption("--file", action="append", default=[], metavar="ROLE=PATH", help="map a role to a file")
    group.addoption("--isolation", default=None, help="auto, netns or loopback (default: $NETGRADER_ISOLATION or auto)")
    group.addoption("--check", action="append", default=[], metavar="ID", help="run only this check (repeatable)")
    group.addoption("--all-required", action="store_true", help="treat every advisory check as required")


def pytest_configure(config):
    config.addinivalue_line("markers", "check(id, title, points, needs, help, hidden, level): a teacher's Python check")
    config.stash[GRADING] = Grading(config)


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix in (".yaml", ".yml") and file_path.parent.name == "exercises":
        return ExerciseFile.from_parent(parent, path=file_path)
    return None


class Grading:
    """The state of one pytest run: which submission, and every check's result so far."""

    def __init__(self, config):
        self.config = config
        self.results: dict[str, GradeResult] = {}
        self.submissions: dict[str, Submission] = {}
        self.isolation = config.getoption("isolation")
        self.strict = config.getoption("all_required")

    def open(self, exercise: spec.Exercise) -> Submission:
        if exercise.id not in self.submissions:
            folder = self.config.getoption("submission") or exercise.path.parent.parent / "reference" / exercise.id
            overrides = dict(item.split("=", 1) for item in self.config.getoption("file"))
            submission = resolve(folder, exercise, overrides)
            self.submissions[exercise.id] = submission
            self.results[exercise.id] = GradeResult(exercise.id, exercise.title, str(submission.folder), "?")
        return self.submissions[exercise.id]

    def status_of(self, exercise_id: str, check_id: str) -> str | None:
        for result in self.results[exercise_id].checks:
            if result.id == check_id:
                return result.status
        return None

    def add(self, exercise: spec.Exercise, result: CheckResult, probe: Probe | None) -> None:
        grade = self.results[exercise.id]
        grade.checks.append(result)
        if probe is not None and grade.isolation == "?":
            network = probe.sandbox.network
            grade.isolation = network.isolation + (" + bubblewrap" if probe.sandbox.confined else "")
            grade.notices.append(probe.sandbox.limits.describe())
            if network.isolation == "loopback" and network.reason != "forced":
                grade.notices.append(Message("notice.loopback", {"reason": network.reason}))


class ExerciseFile(pytest.File):
    def collect(self):
        exercise = spec.load(self.path)
        grading = self.config.stash[GRADING]
        grading.open(exercise)
        self.exercise = exercise
        for check in exercise.checks:
            yield CheckItem.from_parent(self, name=check.id, check=check)
        for path in exercise.python_checks:
            yield pytest.Module.from_parent(self, path=path)


def pytest_collection_modifyitems(config, items):
    """`--check ID` runs that check and, before it, the checks it needs (transitively)."""
    wanted = set(config.getoption("check"))
    if not wanted:
        return
    graded = [item for item in items if item.getparent(ExerciseFile) is not None]
    needs = {check_of(item).id: check_of(item).needs for item in graded}
    keep, queue = set(), list(wanted)
    while queue:
        check_id = queue.pop()
        if check_id not in keep:
            keep.add(check_id)
            queue += needs.get(check_id, ())
    selected = [item for item in items if item not in graded or check_of(item).id in keep]
    config.hook.pytest_deselected(items=[item for item in items if item not in selected])
    items[:] = selected


def check_of(item) -> spec.Check:
    """The check an item grades: its YAML check, or the metadata of a Python check."""
    if isinstance(item, CheckItem):
        return item.check
    marker = item.get_closest_marker("check")
    meta = dict(marker.kwargs) if marker else {}
    check_id = meta.get("id") or item.name.removeprefix("test_").replace("_", "-")
    title = meta.get("title") or {"zh": check_id, "en": check_id}
    needs = meta.get("needs") or ()
    help_text = meta.get("help")
    return spec.Check(
        id=check_id,
        title=spec.Text(**title),
        steps=(),
        line=item.reportinfo()[1] + 1 if item.reportinfo()[1] is not None else 0,
        points=meta.get("points", 1),
        needs=(needs,) if isinstance(needs, str) else tuple(needs),
        hidden=meta.get("hidden", False),
        help=spec.Text(**help_text) if help_text else None,
        level=meta.get("level", "required"),
    )


def exercise_of(item) -> spec.Exercise:
    return item.getparent(ExerciseFile).exercise


def open_probe(item) -> Probe:
    grading = item.config.stash[GRADING]
    exercise = exercise_of(item)
    probe = Probe(Sandbox(exercise, grading.open(exercise), grading.isolation))
    item.stash[PROBE] = probe
    return probe


@pytest.fixture
def probe(request):
    """The probe API for a teacher's Python check, in a fresh sandbox of its own."""
    probe = open_probe(request.node)
    yield probe
    probe.close()


class CheckItem(pytest.Item):
    def __init__(self, *, check: spec.Check, **kwargs):
        super().__init__(**kwargs)
        self.check = check
        budget = sum(step.timeout for step in check.steps) + TIMEOUT_MARGIN
        self.add_marker(pytest.mark.timeout(budget))

    def runtest(self):
        probe = open_probe(self)
        self.stash[CLOSE] = probe.close  # once the result is recorded (makereport)
        try:
            for step in self.check.steps:
                steps.run(probe, step)
        except BaseException as exc:
            if not isinstance(exc, Exception):  # interrupted: no result will be recorded
                probe.close()
            raise

    def reportinfo(self):
        return self.path, self.check.line - 1, f"{self.parent.exercise.id}::{self.check.id}"

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CheckFailed):
            return f"{excinfo.value.kind}: {excinfo.value}"
        return super().repr_failure(excinfo)


CLOSE = pytest.StashKey[object]()


def pytest_runtest_setup(item):
    if not isinstance(item, CheckItem) and item.getparent(ExerciseFile) is None:
        return
    grading = item.config.stash[GRADING]
    exercise = exercise_of(item)
    check = check_of(item)
    unmet = [need for need in check.needs if grading.status_of(exercise.id, need) != PASSED]
    reason = Message("skip.needs", {"needs": ", ".join(unmet)}) if unmet else None
    if reason is None and any(step.kind == "browser" for step in check.steps) and browser.find_chromium() is None:
        reason = Message("skip.no_browser")
    if reason is None:
        reason = _no_database(check, exercise, grading.open(exercise))
    if reason is not None:
        result = _result(check, exercise, SKIPPED, strict=grading.strict)
        result.skip_reason = reason
        grading.add(exercise, result, None)
        pytest.skip(reason.key)


def _no_database(check, exercise, submission) -> Message | None:
    """Why a check that starts a program using the exercise's database cannot run here: no
    MariaDB (or it did not start). Starting it here also keeps its start-up out of the check."""
    if exercise.database is None:
        return None
    roles = {step.args["student"] for step in check.steps if step.kind == "start"}
    scripts = [submission.folder / submission.files[role] for role in roles if role in submission.files]
    if not any(database.wanted_by(script.read_text("utf-8", "replace")) for script in scripts):
        return None
    try:
        database.server()
    except HarnessError as exc:
        return Message("skip.no_database", {"reason": str(exc)})
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if item.getparent(ExerciseFile) is None:
        return
    if call.when == "setup" and report.failed:  # a grader bug before the check ran: reported, not lost
        grading = item.config.stash[GRADING]
        grading.add(exercise_of(item), _result(check_of(item), exercise_of(item), PASSED, excinfo=call.excinfo), None)
    if call.when != "call":
        return
    grading = item.config.stash[GRADING]
    exercise = exercise_of(item)
    probe = item.stash.get(PROBE, None)
    try:
        result = _result(check_of(item), exercise, PASSED, probe, call.excinfo, call.duration, grading.strict)
    finally:
        close = item.stash.get(CLOSE, None)
        if close is not None:
            close()
    grading.add(exercise, result, probe)
    if report.failed and result.status == FAILED:  # plain `pytest exercises/x.yaml` shows the student view
        from .i18n import default_lang
        from .report.terminal import render_check

        rerun = f"pytest {exercise.path} --check {{check}}"
        report.longrepr = "\n".join(render_check(default_lang(), result, rerun))


def _result(check, exercise, status, probe=None, excinfo=None, duration=0.0, strict=False) -> CheckResult:
    result = CheckResult(
        id=check.id,
        title=check.title,
        status=status,
        points=0,
        max_points=check.points,
        location=f"{_shown_path(exercise.path)}:{check.line}",
        help=check.help,
        hidden=check.hidden,
        duration=duration,
        advisory=check.advisory and not strict,
    )
    if probe is not None:
        probe.finish(failed=excinfo is not None)
        sandbox = probe.sandbox
        result.steps = list(sandbox.steps)
        result.warnings = list(sandbox.warnings)
        result.processes = [_process_report(p) for p in sandbox.processes.values()]
    if excinfo is not None:
        error = excinfo.value
        if isinstance(error, CheckFailed):
            result.status = FAILED
            failed = [i for i, s in enumerate(result.steps) if s.status == "failed"]
            protos = {port.proto for port in exercise.ports.values()}
            params = {"proto": protos.pop()} if len(protos) == 1 else {}  # for hints such as hint.exited.tcp
            result.failure = Failure(error.kind, {**params, **error.params}, failed[0] if failed else None)
        elif isinstance(error, AssertionError) and probe is not None:
            result.status = FAILED  # a teacher's plain assert in a Python check
            result.failure = Failure("assertion", {"message": str(error)}, None)
        elif excinfo.errisinstance(pytest.skip.Exception):
            result.status = SKIPPED
        else:
            result.status = ERROR
            result.error = "".join(traceback.format_exception(error))
            result.failure = Failure("error", {}, None)
    if result.status == PASSED:
        result.points = check.points
    return result


def _shown_path(path: Path) -> str:
    """A path as the user would type it: relative to where they are, when it is below."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _tail(text: str) -> str:
    return "\n".join(text.rstrip().splitlines()[-TAIL_LINES:])


def _process_report(process) -> ProcessReport:
    def shown(text):  # paths as the student knows them, not the sandbox's
        return _tail(text.replace(f"{process.cwd}/", ""))

    return ProcessReport(
        role=process.role,
        script=process.script.name,
        pid=process.pid,
        returncode=process.returncode,
        exception=process.exception,
        stdout=shown(process.stdout.text()),
        stderr=shown(process.stderr.text()),
        output_cut=process.stdout.dropped + process.stderr.dropped,
        typed=[(t.prompt, t.line) for t in process.typed],
    )

