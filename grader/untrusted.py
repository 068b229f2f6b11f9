"""Reading and walking what a student's program may have made: never through a link it
placed, never a FIFO or a device (a read that blocks for ever, or never ends), never without
a bound, never by recursion a deep tree can exhaust.

Why: the grader is root and outside every limit of the check. A program that replaced its
own script with a FIFO or a link to /dev/zero, or built a tree 3,000 folders deep, stopped or
filled the grader when the grader looked (a red team found both).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

READ_MAX = 64 * 1024 * 1024  # bytes: more than any file a check compares (a 5 MB upload, records)
DEPTH_MAX = 64  # folders deep a walk goes
ENTRIES_MAX = 20000  # entries a walk looks at (a check's working directory holds at most that many)


def read(target: Path, limit: int = READ_MAX) -> bytes | None:
    """The bytes of a regular file, at most `limit` of them; None for anything else (a link, a
    FIFO, a device, a folder, nothing there)."""
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, left = [], limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def text(target: Path, limit: int = 1024 * 1024) -> str:
    """A script the program could have replaced, as text ('' for anything but a regular file)."""
    data = read(target, limit)
    return data.decode("utf-8", "replace") if data is not None else ""


def files(folder: Path) -> list[Path]:
    """The regular files under `folder` (links not followed), walked without recursion, at most
    DEPTH_MAX deep and ENTRIES_MAX entries."""
    found, stack, seen = [], [(folder, 0)], 0
    while stack and seen < ENTRIES_MAX:
        here, depth = stack.pop()
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth < DEPTH_MAX:
                        stack.append((Path(entry.path), depth + 1))
                elif entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return found


def remove(folder: Path) -> None:
    """Remove a folder a program wrote in, however deep (shutil.rmtree recurses once a level;
    rm -rf does not); what cannot be removed is left, never raised."""
    if not os.path.lexists(folder):
        return
    try:
        shutil.rmtree(folder)
    except (OSError, RecursionError):
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(folder)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
