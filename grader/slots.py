"""Where a batch's gradings run, one at a time each: a warm worker process (grader/worker.py)
per slot, started on first use and replaced when it dies or passes a grading's deadline.

Why workers are processes of their own: each grades with one warm Grader (its exercise loaded
once, its namespaces made ahead, its MariaDB started once), pytest runs one grading at a time
per process, and a grading that passes its deadline is ended by ending its worker, whose
leftovers carry its pid in their mark and are removed here. A local batch (grader/batch.py)
keeps a slot per thread; a Dask worker (grader/cluster.py) a slot per worker thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from .i18n import tr
from .worker import remove_leftovers

RETRIES = 1  # a grader error is tried once more
STOP_WITHIN = 15.0  # seconds a worker asked to stop may take to clean up before it is killed


class Worker:
    """One warm worker process and the one grading it is asked at a time."""

    def __init__(self, exercise: Path, lang: str, isolation: str | None, log: Path, tmp: Path | None = None):
        argv = [sys.executable, "-m", "grader.worker", str(exercise), lang, *([isolation] if isolation else [])]
        if shutil.which("setpriv"):  # a batch killed outright takes its workers with it (they clean up on TERM)
            argv = ["setpriv", "--pdeathsig", "TERM", "--", *argv]
        self._log = open(log, "ab")
        env = {**os.environ, "TMPDIR": str(tmp)} if tmp is not None else None  # its sandboxes go there
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                                        start_new_session=True, env=env)
        self._buffer = b""

    def grade(self, job: dict, deadline: float) -> dict | None:
        """The worker's answer, or None when the deadline passed; WorkerDied when it ended."""
        try:
            self.process.stdin.write((json.dumps(job) + "\n").encode())
            self.process.stdin.flush()
        except OSError:
            raise WorkerDied(self.process.poll()) from None
        ends = time.monotonic() + deadline
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = ends - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    return None
                data = os.read(self.process.stdout.fileno(), 1 << 16)
                if not data:
                    raise WorkerDied(self.process.wait())
                self._buffer += data
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    def stop(self) -> None:
        """End the worker: asked first (its grading cleans up), killed if it does not, and
        whatever of its checks is left (marked with its pid) killed and removed."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_WITHIN)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        remove_leftovers(self.process.pid)
        self._log.close()

    def close(self) -> None:
        """The end of the batch: no more jobs; the worker closes its grader and exits."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(STOP_WITHIN)
        except subprocess.TimeoutExpired:
            pass
        self.stop()


class WorkerDied(Exception):
    """A worker ended while it graded (its status, if known): the grader's fault, tried again."""


class Slot:
    """Where one grading runs at a time: a warm worker, started on first use, replaced when it
    dies or passes a grading's deadline. A grader error is tried once more; a student's hang is
    a verdict, never a retry."""

    def __init__(self, exercise: Path, lang: str, isolation: str | None, log: Path, named: str | None = None,
                 tmp: Path | None = None):
        self._start = lambda: Worker(exercise, lang, isolation, log, tmp)
        self._lang = lang  # of the reasons it gives for a grading that did not end well
        self._worker: Worker | None = None
        self._named = named  # the exercise as the teacher named it, for the reports' rerun lines

    def grade(self, folder: Path, deadline: float, shown: str | None = None) -> tuple[dict, int]:
        """The worker's answer for the submission in `folder` (`shown`: the folder its rerun
        line names) and the attempts it took."""
        job = {"folder": str(folder), **({"shown": shown} if shown else {}), **({"exercise": self._named} if self._named else {})}
        answer, attempts = {}, 0
        while attempts <= RETRIES:
            attempts += 1
            try:
                self._worker = self._worker or self._start()
                answer = self._worker.grade(job, deadline)
            except WorkerDied as exc:
                self._drop()
                answer = {"status": "error", "reason": tr(self._lang, "batch.worker_died", {"status": str(exc)})}
                continue
            except Exception as exc:  # the batch's own fault: recorded, and the batch goes on
                answer = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
                continue
            if answer is None:  # past its deadline: the worker goes, with what it left
                self._drop()
                answer = {"status": "timeout", "reason": tr(self._lang, "batch.timeout", {"secs": f"{deadline:.0f}"})}
                break
            if answer["status"] != "error":
                break
        return answer, attempts

    def _drop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
