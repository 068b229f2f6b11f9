"""pytest is the engine: this plugin turns each check of an exercise YAML into a pytest item.

Registered through the `pytest11` entry point, so `pytest exercises/udp_echo.yaml` grades
the reference solution and `--submission DIR` grades a student's folder. A check's `needs`
skips it (with the reason) when a check it builds on did not pass. Each step has its own
time limit; pytest-timeout only backs them up with the sum plus a margin.

Teachers can add ordinary pytest functions (listed under `python_checks:` in the YAML) that
use the `probe` fixture; `@pytest.mark.check(id=..., title={...}, points=..., needs=...)`
gives them the same metadata as a YAML check.

Results go into the GradingRun (`run.result`); the reporters read them from there. Student failures
get a student-facing view (CheckFailed); anything else is a grader bug and keeps its traceback.
"""

from __future__ import annotations

import shlex

from pathlib import Path

import pytest

from . import browser, database, doctor, spec, steps, verdict
from .errors import CheckFailed, HarnessError
from .i18n import has
from .probe import Probe
from .results import FAILED, PASSED, CheckResult, GradeResult, Message
from .copying import SharedFiles
from .sandbox import Sandbox
from .services import Services
from .submission import Submission, resolve

RUNS = pytest.StashKey[dict]()  # exercise YAML path -> the GradingRun of that exercise
STANDALONE = pytest.StashKey[Services]()  # the services of a plain `pytest exercises/...` run
PROBE = pytest.StashKey[Probe]()
TIMEOUT_MARGIN = 10.0


class GradingRun:
    """One grading: the exercise, the submission (resolved once), the grader's services, and
    every check's result so far. The engine hands it to pytest as a plugin object."""

    def __init__(self, exercise: spec.Exercise, submission: Submission, services: Services, checks=(),
                 strict: bool = False):
        self.exercise = exercise
        self.submission = submission
        self.services = services
        self.wanted = set(checks)
        self.strict = strict
        self.collected = False
        self.result = GradeResult(exercise.id, exercise.title, str(submission.folder), "?")
        self.result.remarks = [role_found(exercise, choice) for choice in submission.detected.values()]
        self.result.files = {role: str(path) for role, path in submission.files.items()}
        self.shared = SharedFiles()  # the submission's large files, copied once for all its checks

    def pytest_configure(self, config):
        config.stash.setdefault(RUNS, {})[self.exercise.path.resolve()] = self

    def close(self) -> None:
        self.shared.close()

    def status_of(self, check_id: str) -> str | None:
        for result in self.result.checks:
            if result.id == check_id:
                return result.status
        return None

    def add(self, result: CheckResult, probe: Probe | None) -> None:
        grade = self.result
        grade.checks.append(result)
        if probe is not None and grade.isolation == "?":
            network = probe.sandbox.network
            confinement = probe.sandbox.confinement
            grade.isolation = network.isolation + (f" + {confinement}" if confinement else "")
            grade.machine = {**doctor.fingerprint(), "network_confined": network.confined}
            grade.notices.append(probe.sandbox.limits.describe())
            if network.isolation == "loopback" and network.reason != "forced":
                grade.notices.append(Message("notice.loopback", {"reason": network.reason}))
            if not network.confined:
                grade.notices.append(Message("notice.unconfined"))


def role_found(exercise: spec.Exercise, choice) -> Message:
    """What the report says of a script found by reading the code (grader/roles.py)."""
    role = Message(f"role.{choice.role}") if has(f"role.{choice.role}") else choice.role
    params = {"expected": exercise.files[choice.role], "file": choice.path, "role": role,
              "why": [Message(f"why.{reason}") for reason in choice.reasons], "other": choice.runner_up}
    return Message("warn.role_found.runner_up" if choice.runner_up else "warn.role_found", params)


def pytest_addoption(parser):
    group = parser.getgroup("netgrader", "grading students' network programs (pytest exercises/x.yaml)")
    group.addoption("--submission", help="the folder to grade (default: reference/<exercise>)")
    group.addoption("--file", action="append", default=[], metavar="ROLE=PATH", help="map a role to a file")
    group.addoption("--isolation", default=None, help="auto, netns or loopback (default: $NETGRADER_ISOLATION or auto)")
    group.addoption("--check", action="append", default=[], metavar="ID", help="run only this check (repeatable)")
    group.addoption("--all-required", action="store_true", help="treat every advisory check as required")


def pytest_configure(config):
    config.addinivalue_line("markers", "check(id, title, points, needs, help, hidden, level): a teacher's Python check")


def pytest_unconfigure(config):
    for run in config.stash.get(RUNS, {}).values():
        run.close()
    services = config.stash.get(STANDALONE, None)
    if services is not None:
        services.close()


def pytest_collect_file(file_path: Path, parent):
    runs = parent.config.stash.setdefault(RUNS, {})
    if file_path.resolve() in runs:  # the engine's exercise, wherever its YAML is
        return ExerciseFile.from_parent(parent, path=file_path)
    if file_path.suffix not in (".yaml", ".yml") or file_path.parent.name != "exercises":
        return None
    if any(isinstance(p, GradingRun) for p in parent.config.pluginmanager.get_plugins()):
        return None  # the engine grades the one exercise it was given
    asked = [Path(arg.split("::")[0]).resolve() for arg in parent.config.args]
    if not any(file_path.resolve() == path or file_path.resolve().is_relative_to(path) for path in asked):
        return None  # a sibling of the YAML asked for: its --submission and --file are not for this one
    runs[file_path.resolve()] = _standalone_run(parent.config, file_path)
    return ExerciseFile.from_parent(parent, path=file_path)


def _standalone_run(config, path: Path) -> GradingRun:
    """`pytest exercises/udp_echo.yaml [--submission DIR]`: a run built from the options."""
    exercise = spec.load(path)
    if STANDALONE not in config.stash:
        config.stash[STANDALONE] = Services(config.getoption("isolation"))
    folder = config.getoption("submission") or exercise.path.parent.parent / "reference" / exercise.id
    overrides = dict(item.split("=", 1) for item in config.getoption("file"))
    return GradingRun(exercise, resolve(folder, exercise, overrides), config.stash[STANDALONE],
                      config.getoption("check"), config.getoption("all_required"))


def run_of(item) -> GradingRun:
    return item.getparent(ExerciseFile).run


class ExerciseFile(pytest.File):
    def collect(self):
        run = self.run = self.config.stash[RUNS][self.path.resolve()]
        run.collected = True
        self.exercise = run.exercise
        for check in run.exercise.checks:
            yield CheckItem.from_parent(self, name=check.id, check=check)
        for path in run.exercise.python_checks:
            yield pytest.Module.from_parent(self, path=path)


def pytest_collection_modifyitems(config, items):
    """`--check ID` runs that check and, before it, the checks it needs (transitively)."""
    graded = [item for item in items if item.getparent(ExerciseFile) is not None]
    wanted = set().union(*(run_of(item).wanted for item in graded)) if graded else set()
    if not wanted:
        return
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
    help_text = dict(meta.get("help") or {})
    help_for = help_text.pop("for", ())
    return spec.Check(
        id=check_id,
        title=spec.Text(**title),
        steps=(),
        line=item.reportinfo()[1] + 1 if item.reportinfo()[1] is not None else 0,
        points=meta.get("points", 1),
        needs=(needs,) if isinstance(needs, str) else tuple(needs),
        hidden=meta.get("hidden", False),
        help=spec.Text(**help_text) if help_text else None,
        help_for=(help_for,) if isinstance(help_for, str) else tuple(help_for),
        level=meta.get("level", "required"),
        source=Path(item.path),
    )


def open_probe(item) -> Probe:
    run = run_of(item)
    probe = Probe(Sandbox(run.exercise, run.submission, run.services, run.shared))
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
    run = run_of(item)
    exercise = run.exercise
    check = check_of(item)
    unmet = [need for need in check.needs if run.status_of(need) != PASSED]
    reason = Message("skip.needs", {"needs": ", ".join(unmet)}) if unmet else None
    if reason is None and any(step.kind == "browser" for step in check.steps) and browser.find_chromium() is None:
        reason = Message("skip.no_browser")
    if reason is None:
        reason = _no_database(check, run)
    if reason is not None:
        run.add(verdict.decide(check, exercise, strict=run.strict, skip_reason=reason), None)
        pytest.skip(reason.key)


def _no_database(check, run: GradingRun) -> Message | None:
    """Why a check that starts a program using the exercise's database cannot run here: no
    MariaDB (or it did not start). Starting it here also keeps its start-up out of the check."""
    exercise, submission = run.exercise, run.submission
    if exercise.database is None:
        return None
    roles = {step.args["student"] for step in check.steps if step.kind == "start"}
    scripts = [submission.folder / submission.files[role] for role in roles if role in submission.files]
    if not any(database.wanted_by(script.read_text("utf-8", "replace")) for script in scripts):
        return None
    try:
        run.services.database()
    except HarnessError as exc:
        return Message("skip.no_database", {"reason": str(exc)})
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if item.getparent(ExerciseFile) is None:
        return
    run = run_of(item)
    exercise = run.exercise
    if call.when == "setup" and report.failed:  # a grader bug before the check ran: reported, not lost
        run.add(verdict.decide(check_of(item), exercise, error=call.excinfo.value), None)
    if call.when != "call":
        return
    probe = item.stash.get(PROBE, None)
    error = call.excinfo.value if call.excinfo is not None else None
    try:
        if probe is not None:
            probe.finish(failed=error is not None)
        result = verdict.decide(check_of(item), exercise, probe.sandbox if probe else None, error, call.duration,
                                run.strict)
    finally:
        close = item.stash.get(CLOSE, None)
        if close is not None:
            close()
    run.add(result, probe)
    if report.failed and result.status == FAILED:  # plain `pytest exercises/x.yaml` shows the student view
        from .i18n import default_lang
        from .report.terminal import render_check

        rerun = shlex.join(["pytest", str(exercise.path), "--submission", str(run.submission.folder),
                            *(f"--file={role}={path}" for role, path in run.submission.files.items()
                              if str(path) != exercise.files[role])]) + " --check {check}"
        report.longrepr = "\n".join(render_check(default_lang(), result, rerun))
