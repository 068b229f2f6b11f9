"""`grader batch --scheduler tcp://HOST:8786`: the same batch graded on a Dask cluster, when one
machine is not enough (the optional extra `netgrader[dask]`).

    this machine: discover ─▶ pack each submission (bytes) ─▶ scheduler ─▶ workers ─▶ answers ─▶ store
    each worker:  unpack into a folder of its own ─▶ a warm grading process (grader/worker.py) ─▶ answer

Nothing is shared but bytes: the exercise (its YAML and fixtures) travels once to every worker,
each submission as a zip of its files; no shared file system is assumed. On a worker a task
grades exactly as a local batch does (a warm `grader.worker` process per worker thread, kept
between tasks, the same isolation and deadline, a grader error tried once more), so a worker
without namespaces says so in its reports. A worker that dies mid-batch has its tasks
rescheduled by Dask on the others; the client takes one answer per submission and writes the
store itself, so nothing is lost or counted twice.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import os
import shutil
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from .discover import files_of
from .errors import GraderError

CONNECT_SECONDS = 30
INSTALL = "pip install 'netgrader[dask]'"


def pack(folder: Path) -> bytes:
    """A submission's files (grader/discover.files_of: what its content hash covers) as a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as packed:
        for relative in files_of(folder):
            packed.write(folder / relative, relative.as_posix())
    return buffer.getvalue()


def pack_exercise(exercise) -> bytes:
    """The exercise's YAML and its fixtures folder, laid out as in exercises/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as packed:
        for path in exercise.own_files():
            packed.write(path, path.relative_to(exercise.path.parent).as_posix())
    return buffer.getvalue()


def gradings(exercise, todo, jobs, lang, isolation, deadline, logs, scheduler: str):
    """Grade `todo` on the cluster behind `scheduler`; yields (job, answer, attempts, seconds)
    as each grading ends, like grader.batch.local_gradings."""
    from .exercises import rerun_name

    try:
        from distributed import Client, as_completed
    except ImportError:
        raise GraderError(f"--scheduler needs Dask on this machine and the workers: {INSTALL}") from None
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        raise GraderError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        packed = pack_exercise(exercise)
        digest = hashlib.sha256(packed).hexdigest()[:16]
        client.register_plugin(CleanUp())
        shipped = client.scatter(packed, broadcast=True)
        futures = {}
        for job in todo:
            key = f"netgrader-{exercise.id}-{digest}-{job.student}-{job.content_hash[:16]}-{lang}"
            future = client.submit(grade_on_worker, shipped, exercise.path.name, digest, pack(job.folder),
                                   str(job.folder), rerun_name(exercise), lang, isolation, deadline, key=key, pure=False)
            futures[future] = job
        for future in as_completed(futures):
            job = futures[future]
            try:
                answer, attempts, took = future.result()
            except Exception as exc:  # Dask gave up on it (its workers kept dying): the grader's fault
                answer, attempts, took = {"status": "error", "reason": f"the cluster could not grade it: {exc}"}, 1, 0.0
            yield job, answer, attempts, took


# What lives on a worker, in a folder of its own (netgrader-dask-PID): the exercises it was sent,
# unpacked once, a warm grading process per worker thread and exercise, and the submissions
# being graded. It goes when the worker closes (CleanUp); a worker that was killed leaves its
# folder to the next worker started on the machine, which removes the folders of dead ones.
_EXERCISES: dict[str, Path] = {}
_SLOTS: dict[tuple, object] = {}
_LOCK = threading.Lock()
_HOME: list[Path] = []


def _home() -> Path:
    if not _HOME:
        for stale in Path(tempfile.gettempdir()).glob("netgrader-dask-*"):
            pid = stale.name.rpartition("-")[2]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                shutil.rmtree(stale, ignore_errors=True)
        home = Path(tempfile.gettempdir()) / f"netgrader-dask-{os.getpid()}"
        home.mkdir(exist_ok=True)
        _HOME.append(home)
    return _HOME[0]


def grade_on_worker(packed_exercise: bytes, yaml_name: str, digest: str, packed_submission: bytes, shown: str,
                    exercise_named: str, lang: str, isolation: str | None, deadline: float) -> tuple[dict, int, float]:
    """A Dask task: one submission graded on the worker that runs it."""
    from .slots import Slot

    started = time.monotonic()
    with _LOCK:
        home = _home()
        if digest not in _EXERCISES:
            with zipfile.ZipFile(io.BytesIO(packed_exercise)) as packed:
                packed.extractall(home / f"exercise-{digest}")
            _EXERCISES[digest] = home / f"exercise-{digest}" / yaml_name
        key = (threading.get_ident(), digest, lang, isolation)
        if key not in _SLOTS:
            # tmp: a grading cut short by the worker's death leaves its sandbox in the worker's folder,
            # which the next worker on the machine removes
            _SLOTS[key] = Slot(_EXERCISES[digest], lang, isolation, home / f"worker-{len(_SLOTS)}.log", exercise_named,
                               tmp=home)
        slot = _SLOTS[key]
    with tempfile.TemporaryDirectory(prefix="submission-", dir=home) as folder:
        with zipfile.ZipFile(io.BytesIO(packed_submission)) as packed:
            packed.extractall(folder)  # made by pack() from a folder already checked by grader/discover.py
        answer, attempts = slot.grade(Path(folder), deadline, shown)
    return answer, attempts, time.monotonic() - started


@atexit.register
def _close() -> None:
    with _LOCK:
        for slot in _SLOTS.values():
            slot.close()
        _SLOTS.clear()
        _EXERCISES.clear()
        for home in _HOME:
            shutil.rmtree(home, ignore_errors=True)
        _HOME.clear()


try:
    from distributed import WorkerPlugin
except ImportError:  # the client says what to install; this module is still importable
    WorkerPlugin = object


class CleanUp(WorkerPlugin):
    """Registered by the client on every worker: when the worker closes, its grading processes
    end and its folder goes."""

    name = "netgrader-clean-up"

    def teardown(self, worker) -> None:
        _close()
