"""The report a student reads in the terminal: ✓/✗ per check, and for a failure the numbered
steps that ran, `***** Unsuccessful: ... *****`, what the program printed, a hint and the
command that reruns just that check; the points at the end.
"""

from __future__ import annotations

import unicodedata

from ..i18n import has, render, render_all, render_said, tr
from ..neutral import ci_text
from ..results import ERROR, FAILED, PASSED, SKIPPED, CheckResult, GradeResult, printable

MARKS = {PASSED: "✓", FAILED: "✗", SKIPPED: "-", ERROR: "!"}
WARNED = "⚠"  # an advisory check that failed
STDERR_LINES = 8


TYPED_LINES = 6  # the last lines typed into a program, shown when its check failed
SHOWS_OUTPUT = ("wrong_output", "exited", "did_not_exit")  # failures where what it printed tells why


def process_lines(lang: str, check: CheckResult) -> list[str]:
    lines = []
    for process in check.processes:
        for prompt, line in process.typed[-TYPED_LINES:]:  # what the grader typed, and where
            lines.append(tr(lang, "report.typed", {"script": process.script, "prompt": (prompt or "").encode(),
                                                   "line": line.encode()}))
        shows_output = check.failure.kind in SHOWS_OUTPUT and process.stdout.strip()
        if process.stderr.strip() or shows_output or process.output_cut:
            state = (
                tr(lang, "report.process_exited", {"script": process.script, "status": process.returncode})
                if process.returncode is not None
                else tr(lang, "report.process_running", {"script": process.script})
            )
            lines.append(state)
            if process.stderr.strip():
                lines.append("  " + tr(lang, "report.stderr"))
                lines += ["    " + printable(line, "\t") for line in process.stderr.splitlines()[-STDERR_LINES:]]
            elif shows_output:
                lines.append("  " + tr(lang, "report.stdout"))
                lines += ["    " + printable(line, "\t") for line in process.stdout.splitlines()[-STDERR_LINES:]]
            if process.output_cut:
                lines.append("  " + tr(lang, "report.output_cut", {"bytes": process.output_cut}))
    return lines


def pad(text: str, width: int) -> str:
    """Pad to a column width as a terminal shows it: a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - shown)


def step_line(lang: str, number: int, step) -> str:
    text = tr(lang, f"step.{step.kind}", step.params)
    note = render(lang, step.note) if step.note else ""
    return f"  {number}. {pad(text, 44)}{note}".rstrip()


def render_check(lang: str, check: CheckResult, rerun: str, said_above: bool = False) -> list[str]:
    """`said_above`: its failure (a missing file) is told once for the submission, above."""
    mark = WARNED if check.warned else MARKS[check.status]
    title = check.title.pick(lang)
    score = f"{check.points}/{check.max_points}"
    head = f"{mark} {check.id}  {title}"
    if said_above:
        return [f"{head}  {score}", "  " + tr(lang, "report.missing_above", check.failure.params)]
    if check.status == SKIPPED:
        reason = render(lang, check.skip_reason) if check.skip_reason else ""
        return [f"{head}  {score}", f"  {reason}".rstrip()]
    if check.status == PASSED:
        return [f"{head}  {score}"]
    lines = [f"{head}  ({check.location})  {score}"]
    if check.warned:
        lines.append("  " + tr(lang, "report.advisory"))
    if check.hidden:
        return lines
    failed_at = check.failure.step if check.failure else None
    for number, step in enumerate(check.steps, 1):
        if number - 1 == failed_at:  # headlined by what failed: a step that checks several things names the one
            kind = check.failure.kind if check.failure else None
            said = f"headline.{kind}" if kind and has(f"headline.{kind}") else f"step.{step.kind}"
            lines.append("  " + tr(lang, "report.unsuccessful", {"step": tr(lang, said, step.params)}))
            break
        lines.append(step_line(lang, number, step))
    if check.status == ERROR:
        lines.append("  " + tr(lang, "fail.error"))
        lines.append("  " + tr(lang, "report.grader_error"))
        lines += ["    " + line for line in (check.error or "").rstrip().splitlines()[-6:]]
        return lines
    lines += ["  " + line for line in render_said(lang, check.failure.said)]
    lines += ["  " + line for line in process_lines(lang, check)]
    for hint in render_all(lang, check.failure.hints):
        lines.append("  " + tr(lang, "report.hint", {"text": hint}))
    lines.append("  " + tr(lang, "report.rerun", {"command": rerun.replace("{check}", check.id)}))
    return lines


def render_grade(grade: GradeResult, lang: str, rerun: str) -> str:
    lines = [
        tr(lang, "report.header", {"exercise": grade.exercise, "title": grade.title.pick(lang)}),
        tr(lang, "report.submission", {"path": grade.submission, "isolation": grade.isolation}),
    ]
    lines += [render(lang, notice) for notice in grade.notices]
    missing = missing_files(grade)
    for role, params in missing.items():  # one message for the submission, not one per check with unrelated help
        mine = tr(lang, "report.your_file")
        if " CHECK={check}" in rerun:  # the command again, saying which file plays the role
            command = rerun.replace(" CHECK={check}", "") + f" FILE={role}={mine}"
        else:
            command = rerun.replace(" --check {check}", "") + f" --file {role}={mine}"
        lines += ["", tr(lang, "report.missing" if params["count"] > 1 else "report.missing_one", params),
                  "  " + tr(lang, "report.hint", {"text": tr(lang, "report.missing_hint", {**params, "command": command})})]
    lines.append("")
    for check in grade.checks:
        lines += render_check(lang, check, rerun, said_above=bool(check.failure and check.failure.kind == "missing_file"))
    if grade.warnings:
        lines.append("")
        lines += [tr(lang, "report.warning", {"text": render(lang, w)}) for w in grade.warnings]
    counts = {status: sum(c.status == status and not c.warned for c in grade.checks) for status in MARKS}
    lines.append("")
    lines.append(tr(lang, "report.total", {
        "points": grade.points, "max_points": grade.max_points, "passed": counts[PASSED],
        "warned": sum(c.warned for c in grade.checks), "failed": counts[FAILED] + counts[ERROR],
        "skipped": counts[SKIPPED]}))
    lines.append(verdict(lang, grade))
    lines.append(plain_counts(grade))
    # What the programs printed, and the names of their files and folders, are the students':
    # a terminal or a CI log shows them and never obeys them (escapes, workflow commands).
    return ci_text("\n".join(lines)) + "\n"


def missing_files(grade: GradeResult) -> dict[str, dict]:
    """Each role whose file is missing: the failure's parameters and how many checks it costs."""
    found: dict[str, dict] = {}
    for check in grade.checks:
        if check.failure and check.failure.kind == "missing_file":
            params = check.failure.params
            found.setdefault(params.get("role", ""), {**params, "count": 0})["count"] += 1
    return found


def plain_counts(grade: GradeResult) -> str:
    """The very last line, in plain English whatever the language, for CI log readers:
    `12 passed, 1 failed, 2 skipped` (an advisory check not met is passed, with a warning)."""
    passed = sum(c.status == PASSED or c.warned for c in grade.checks)
    failed = sum(c.status in (FAILED, ERROR) and not c.warned for c in grade.checks)
    skipped = sum(c.status == SKIPPED for c in grade.checks)
    return f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")


def verdict(lang: str, grade: GradeResult) -> str:
    """The last line: what the exit status says, in words."""
    if not grade.passed:
        failed = sum(c.status in (FAILED, ERROR) and not c.warned for c in grade.checks)
        return tr(lang, "report.verdict.failed", {"count": failed})
    if grade.warning_count:
        key = "report.verdict.warning" if grade.warning_count == 1 else "report.verdict.warnings"
        return tr(lang, key, {"count": grade.warning_count})
    return tr(lang, "report.verdict.passed")
