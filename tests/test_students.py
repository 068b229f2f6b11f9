"""Every reference solution passes every check; every broken submission under
tests/students/<exercise>/<bug>/ fails exactly the checks its expect.yaml names, each with
the failure kind it names; and every check of every exercise is failed by at least one.

A broken submission folder holds only the files that are broken; the roles it lacks are
taken from reference/<exercise>/ (unless expect.yaml says `missing: [role]`).

expect.yaml:
    bug: what is wrong, in a sentence (modelled on real student code)
    fails: {check-id: failure-kind, ...}     every other check must pass or be skipped;
                                             {} for a program that passes with warnings;
                                             a failed advisory check only warns (exit 0),
                                             and fails under --strict
    warnings: [warn.other_port, ...]         optional: warning keys the report must carry
    says: {check-id: words, ...}             optional: words the check's failure message holds
    hint: {check-id: words, ...}             optional: words the check's hint holds
    needs_bubblewrap: true                   optional: it names paths of the student's computer,
                                             which only bubblewrap's view can recreate
    missing: [client]                        optional: roles left out on purpose
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, STUDENTS, confined, grade_json
from grader import browser, database, spec

pytestmark = pytest.mark.timeout(900)  # the first test waits for every grading of the session fixture

EXERCISES = sorted(p.stem for p in (ROOT / "exercises").glob("*.yaml"))
BROKEN = sorted(p.parent for p in STUDENTS.glob("*/*/expect.yaml"))
PARALLEL = int(os.environ.get("NETGRADER_TEST_JOBS", "6"))
NO_BROWSER = browser.find_chromium() is None
NO_DATABASE = database.unavailable() is not None
CONFINED = confined()


def assemble(folder: Path, tmp: Path) -> Path:
    """The broken files plus the reference's files for the roles the folder lacks."""
    exercise = folder.parent.name
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    target = tmp / "submissions" / exercise / folder.name
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("expect.yaml", "__pycache__"))
    files = spec.load(ROOT / "exercises" / f"{exercise}.yaml").files
    for role, name in files.items():
        if role in (expect.get("missing") or ()) or (target / name).exists():
            continue
        shutil.copy(ROOT / "reference" / exercise / name, target / name)
    return target


@pytest.fixture(scope="session")
def graded(request, tmp_path_factory):
    """Grade the references and the broken submissions at once, a few at a time: those of the
    exercises whose tests were selected (`pytest tests/test_students.py -k qa_bot` grades one)."""
    selected = {exercise_of(item.callspec.params) for item in request.session.items
                if item.path == Path(__file__) and hasattr(item, "callspec")}
    tmp = tmp_path_factory.mktemp("graded")
    jobs = {("reference", ex): (ex, ROOT / "reference" / ex) for ex in EXERCISES if ex in selected}
    jobs.update({("classroom", ex): (ex, with_classroom_address(ex, tmp)) for ex in EXERCISES if ex in selected})
    for folder in BROKEN:
        if folder.parent.name in selected and (CONFINED or not needs_bubblewrap(folder)):
            jobs[(folder.parent.name, folder.name)] = (folder.parent.name, assemble(folder, tmp))

    def run(item):
        key, (exercise, path) = item
        return key, grade_json(exercise, path, tmp)

    with ThreadPoolExecutor(PARALLEL) as pool:
        return dict(pool.map(run, jobs.items()))


@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_passes_every_check(graded, exercise):
    code, report, text = graded[("reference", exercise)]
    failing = {c["id"]: (c["status"], c.get("message")) for c in report["checks"]
               if c["status"] != "passed" and not skipped_for_missing_tool(c)}
    assert not failing, text
    assert code == 0
    unavailable = sum(c["max_score"] for c in report["checks"] if skipped_for_missing_tool(c))
    assert report["score"] == report["max_score"] - unavailable > 0
    assert not [w for c in report["checks"] for w in c["warnings"]], text


def with_classroom_address(exercise: str, tmp: Path) -> Path:
    """The reference with the classroom's address named in every script, twice, in comments
    (as real folders keep an old version commented out): it must grade as the reference does."""
    target = tmp / "classroom" / exercise
    shutil.copytree(ROOT / "reference" / exercise, target, ignore=shutil.ignore_patterns("__pycache__"))
    for script in target.rglob("*.py"):
        script.write_text("# 旧版本: ADDR = ('172.40.91.185', 8888)\n# s.connect(('172.40.91.185', 8888))\n"
                          + script.read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_classroom_address_named_again_and_again_grades_as_the_reference(graded, exercise):
    code, report, text = graded[("classroom", exercise)]
    assert not [c["id"] for c in report["checks"] if c["status"] == "error"], text  # never a grader error
    assert report["score"] == graded[("reference", exercise)][1]["score"] and code == 0, text


@pytest.mark.parametrize("folder", BROKEN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_broken_submission_fails_as_expected(graded, folder):
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    if expect.get("needs_bubblewrap") and not CONFINED:
        pytest.skip("recreating a path of the student's computer needs bubblewrap")
    code, report, text = graded[(folder.parent.name, folder.name)]
    statuses = {c["id"]: c for c in report["checks"]}
    for check_id, kind in expect["fails"].items():
        assert check_id in statuses, f"{check_id} not in report"
        if skipped_for_missing_tool(statuses[check_id]):
            continue
        assert statuses[check_id]["status"] == "failed", text
        assert statuses[check_id]["kind"] == kind, text
        assert statuses[check_id]["message"], text
        assert statuses[check_id]["hints"], text
    for check_id, check in statuses.items():
        if check_id not in expect["fails"]:
            assert check["status"] in ("passed", "skipped"), f"{check_id} unexpectedly {check['status']}\n{text}"
            if check["status"] == "skipped":
                assert check["skip_reason"]
    for check_id, words in (expect.get("says") or {}).items():
        assert words in statuses[check_id]["message"], text
    for check_id, words in (expect.get("hint") or {}).items():  # the hint belongs to the failure that happened
        assert words in " ".join(statuses[check_id]["hints"]), text
    warned = {w for c in report["checks"] for w in c["warnings"]}
    for key in expect.get("warnings") or ():
        assert any(key_matches(key, w) for w in warned), f"no warning {key}: {warned}\n{text}"
    judged = [check_id for check_id in expect["fails"] if not skipped_for_missing_tool(statuses[check_id])]
    for check_id in judged:
        assert statuses[check_id]["warned"] == (statuses[check_id]["level"] == "advisory"), text
    required = [check_id for check_id in judged if statuses[check_id]["level"] == "required"]
    assert code == (1 if required else 0)
    assert report["passed"] == (not required)
    if judged and not required:
        assert text.rstrip().splitlines()[-2].startswith("passed with "), text


def only_advisory_failures() -> list[Path]:
    """Broken submissions that pass with warnings: every check they fail is advisory."""
    found = []
    for folder in BROKEN:
        fails = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))["fails"]
        levels = {check.id: check.level for check in spec.load(ROOT / "exercises" / f"{folder.parent.name}.yaml").checks}
        if fails and all(levels.get(check_id) == "advisory" for check_id in fails):
            found.append(folder)
    return found


@pytest.mark.parametrize("folder", only_advisory_failures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_strict_turns_each_warning_into_a_failure(tmp_path, folder):
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    code, report, text = grade_json(folder.parent.name, assemble(folder, tmp_path), tmp_path, "--strict",
                                    *(f"--check={check_id}" for check_id in expect["fails"]))
    assert code == 1, text
    checks = {check["id"]: check for check in report["checks"]}
    assert all(check["level"] == "required" and not check["warned"] for check in checks.values())
    for check_id, kind in expect["fails"].items():
        assert checks[check_id]["status"] == "failed" and checks[check_id]["kind"] == kind, text
    assert "failed: " in text.splitlines()[-2], text


def needs_bubblewrap(folder: Path) -> bool:
    """It names paths of the student's computer: without bubblewrap's view they are not
    recreated, and are not even tried (a write to /home would land on the machine)."""
    return bool(yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8")).get("needs_bubblewrap"))


def exercise_of(params: dict) -> str:
    """The exercise a parametrized test of this file is about."""
    return params["exercise"] if "exercise" in params else params["folder"].parent.name


def skipped_for_missing_tool(check: dict) -> bool:
    """A browser check on a machine without Chromium, a MySQL program's on one without MariaDB
    (CI installs both; a laptop may have neither)."""
    reason = (check.get("skip_reason") or "") if check["status"] == "skipped" else ""
    return (NO_BROWSER and "Chromium" in reason) or (NO_DATABASE and "MariaDB" in reason)


def key_matches(key: str, rendered: str) -> bool:
    from grader.i18n import en

    template = en.MESSAGES[key]
    return template.split("{")[0] in rendered


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_check_is_failed_by_some_broken_submission(graded, exercise):
    checks = {c["id"] for c in graded[("reference", exercise)][1]["checks"]}  # YAML and Python checks
    failed = set()
    for folder in BROKEN:
        if folder.parent.name == exercise:
            failed |= set(yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))["fails"])
    assert checks - failed == set(), f"checks no broken submission fails: {sorted(checks - failed)}"
