"""Files the student's program writes in its directory: wait until one holds what a check
expects, and when it does not, say what is there instead (cut short, stripped, a second copy
appended, records glued together, the end marker written, or another file written)."""

from __future__ import annotations

import time
from pathlib import Path

from .errors import CheckFailed
from .expect import POLL_SECONDS, explain
from .process import StudentProcess
from .untrusted import read
from .sandbox import Sandbox


def spinning(process: StudentProcess | None) -> bool:
    """The program called recv() again on a connection that had ended: it loops on b''."""
    return process is not None and bool(process.events_of("recv_after_eof"))


def wait_for(target: Path, is_right, process: StudentProcess | None, within: float,
             size: int | None = None) -> bytes | None:
    """The file's bytes once `is_right(bytes)` holds, or once the program can write no more
    (it ended, or it spins on a closed connection), or when time runs out. With `size`, the file
    is read only when it has that size (a 5 MB upload is not read 50 times a second)."""

    def done() -> bool:
        try:
            if size is not None and target.lstat().st_size != size:
                return False
        except OSError:
            return False
        data = read(target)
        return data is not None and is_right(data)

    deadline = time.monotonic() + within
    while not done() and time.monotonic() < deadline:
        if process is None:
            time.sleep(POLL_SECONDS)  # a short poll: nothing to wait on but the file itself
        elif not process.running or spinning(process):
            break  # it will not write any more
        else:
            process.wait_until(lambda: not process.running, min(POLL_SECONDS, deadline - time.monotonic()))
    return read(target)


def missing(sandbox: Sandbox, process: StudentProcess | None, path: str) -> CheckFailed:
    """`path` was never written: name the files the program did write instead."""
    written = ", ".join(sandbox.new_files()) or "-"
    return explain(process, "file_missing", exited_kind="file_missing", path=path, written=written)
