"""`grader batch --scheduler`: a class graded on a real Dask cluster (a scheduler and two
workers on loopback), one worker killed mid-batch; the gradebook equals a local batch's, each
submission is recorded once, and nothing the workers started is left running."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ROOT, STUDENTS, run_grader
from grader import cluster
from grader.proctree import marked_processes
from test_batch import make_class, rows
from test_students import assemble

pytest.importorskip("distributed", reason="the optional extra netgrader[dask] is not installed")
pytestmark = pytest.mark.timeout(600)


def dask(*args: str, env: dict, log: Path) -> subprocess.Popen:
    command = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
    return subprocess.Popen([command, *args], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def started_by(tmp: Path) -> list[int]:
    """Processes still running with this test's TMPDIR: what its cluster started."""
    return marked_processes(f"TMPDIR={tmp}".encode())


def wait_for(condition, seconds: float, what: str):
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


def test_a_cluster_grades_the_class_as_a_local_batch_does_though_a_worker_dies(tmp_path, monkeypatch):
    room = make_class(tmp_path)
    for number, broken in enumerate(("client-never-exits", "split-empty-crash", "recvfrom-5", "first-client-addr",
                                     "client-sends-newline", "unknown-says-none"), 6):
        shutil.copytree(assemble(STUDENTS / "udp_dict" / broken, tmp_path), room / f"s{number:02d}-{broken}")
    local = tmp_path / "local"
    alone = run_grader("batch", "udp_dict", str(room), "--out", str(local), "--jobs", "2", "--lang", "en")
    assert alone.returncode == 0, alone.stdout + alone.stderr

    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(own_tmp), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    address_file = tmp_path / "scheduler.json"
    started = [dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(address_file), env=env, log=tmp_path / "scheduler.log")]
    try:
        wait_for(lambda: address_file.is_file() and address_file.stat().st_size, 60, "the scheduler's address")
        address = json.loads(address_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        workers = [dask("worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard",
                        "--name", f"w{n}", env=env, log=tmp_path / f"worker-{n}.log") for n in (1, 2)]
        started += workers
        wait_for(lambda: all(b"Registered to" in (tmp_path / f"worker-{n}.log").read_bytes() for n in (1, 2)), 60,
                 "both workers registered")

        out = tmp_path / "cluster"
        batch = subprocess.Popen([sys.executable, "-m", "grader", "batch", "udp_dict", str(room), "--out", str(out),
                                  "--lang", "en", "--scheduler", address], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        seen = []
        for line in batch.stdout:
            seen.append(line)
            if sum("udp_dict  1" in shown for shown in seen) == 2:  # two gradings in: one worker dies
                killed = [int(pid) for pid in subprocess.run(["pgrep", "-g", str(workers[0].pid), "-f", "spawn_main"],
                                                             capture_output=True, text=True).stdout.split()]
                assert len(killed) == 1  # the worker's process (its nanny started it)
                os.killpg(workers[0].pid, signal.SIGKILL)
                break
        seen += batch.stdout.readlines()
        assert batch.wait(300) == 0, "".join(seen) + batch.stderr.read()
        students = [line.split("] ", 1)[1].split()[0] for line in seen if line.startswith("[")]
        assert sorted(students) == sorted(p.name.removesuffix(".zip") for p in room.iterdir() if p.name != ".DS_Store")
        assert rows(out) == rows(local)  # the same gradebook, every student once
        results = {r["student"]: r for r in json.loads((out / "results.json").read_text(encoding="utf-8"))}
        bob = results["s02-bob"]["report"]
        assert bob["isolation"].startswith(("netns", "loopback"))
    finally:
        for process in reversed(started):  # asked to stop, as a person would: workers first, then the scheduler
            if process.poll() is None:
                process.terminate()
        for process in started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    wait_for(lambda: not started_by(own_tmp), 30, "every process the cluster started ended")
    left = sorted(path.name for path in own_tmp.glob("netgrader-*"))
    assert f"netgrader-dask-{killed[0]}" in left and all(name.startswith("netgrader-dask-") for name in left), left
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))  # the next worker on the machine clears dead ones' folders
    monkeypatch.setattr(cluster, "_HOME", [])
    assert cluster._home() == own_tmp / f"netgrader-dask-{os.getpid()}"
    assert sorted(path.name for path in own_tmp.glob("netgrader-*")) == [f"netgrader-dask-{os.getpid()}"]
    cluster._close()
    assert not list(own_tmp.glob("netgrader-*"))
