"""A batch's progress as the teacher watches it.

On a terminal: a live bar with the counts by verdict and the time left (rich), each finished
submission's line printed above it. Elsewhere (a CI log, a pipe, a file): one plain line per
finished submission, which a log keeps and grep reads:

    [ 37/300] s2023017  udp_dict  13/15  passed with 2 warnings  1.4 s

rich is imported only for the bar, so a batch in a log never pays for it.
"""

from __future__ import annotations

import os
import sys

from ..i18n import tr
from ..neutral import controls
from ..results import verdict

SHOWN = ("passed", "warned", "failed", "not_gradable")  # the bar's counts; errors and timeouts join "not gradable"


def line(position: int, total: int, row: dict, lang: str = "en") -> str:
    """One finished submission, in words."""
    width = len(str(total))
    said = tr(lang, f"gradebook.verdict.{verdict(row)}")
    if row["status"] == "graded":
        if row["passed"] and row["warnings"]:
            said = tr(lang, "report.verdict.warning" if row["warnings"] == 1 else "report.verdict.warnings",
                      {"count": row["warnings"]})
        shown = f"{row['points']}/{row['max_points']}  {said}"
    else:
        shown = f"{said}: {row.get('reason')}"
    said = f"[{position:>{width}}/{total}] {row['student']}  {row['exercise']}  {shown}  {row.get('duration') or 0:.1f} s"
    return controls(said, keep=())  # names and reasons are the students' text: shown, never obeyed


class Lines:
    """One line per finished submission (what a log or CI shows)."""

    def __init__(self, lang: str = "en", out=None):
        self.lang, self.out = lang, out or sys.stdout
        self.total = self.position = 0

    def start(self, total: int, already: int) -> None:
        self.total, self.position = total, already

    def finished(self, row: dict) -> None:
        self.position += 1
        print(line(self.position, self.total, row, self.lang), file=self.out, flush=True)

    def close(self) -> None:
        pass


class Bar(Lines):
    """The live bar of a terminal: done/total, the counts by verdict, the time left."""

    def start(self, total: int, already: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        super().start(total, already)
        self.counts = dict.fromkeys(SHOWN, 0)
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[counts]}"), TimeRemainingColumn(),
                                 console=Console(file=self.out), transient=False)
        self.task = self.progress.add_task(tr(self.lang, "progress.grading"), total=total, completed=already,
                                           counts=self._counts())
        self.progress.start()

    def _counts(self) -> str:
        return "  ".join(f"[{style}]{tr(self.lang, f'gradebook.verdict.{name}')} {self.counts[name]}[/]"
                         for name, style in zip(SHOWN, ("green", "yellow", "red", "magenta")))

    def finished(self, row: dict) -> None:
        self.position += 1
        said = verdict(row)
        self.counts[said if said in SHOWN else "not_gradable"] += 1
        self.progress.console.print(line(self.position, self.total, row, self.lang), markup=False, highlight=False)
        self.progress.update(self.task, advance=1, counts=self._counts())

    def close(self) -> None:
        self.progress.stop()


def for_terminal(lang: str = "en", out=None) -> Lines:
    """The bar where a person watches (a terminal, not CI, rich installed); lines elsewhere."""
    out = out or sys.stdout
    if out.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb":
        try:
            import rich  # noqa: F401
        except ImportError:
            return Lines(lang, out)
        return Bar(lang, out)
    return Lines(lang, out)
