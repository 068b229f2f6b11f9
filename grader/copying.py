"""A submission's files in a check's directory: small ones copied into each check, large ones
shared. Why: a check may change what it finds there (new.jpg written over a file of the same
name), so each gets its own copy; but a folder holding a 1 GB video would cost a gigabyte per
check. A file from LARGE_BYTES on is shown read-only where bubblewrap gives the program its own
view (no copy at all), else linked to one copy made for the whole grading."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

LARGE_BYTES = 16 * 1024 * 1024
# A submission whose files add up to more than this (a zip of many 12 MB files that packs to a
# few hundred KB) has every file from SHARED_BYTES on shared too: what it unpacked is never
# copied into each check.
COPY_BUDGET = 32 * 1024 * 1024
SHARED_BYTES = 256 * 1024
IGNORED = shutil.ignore_patterns("__pycache__", ".git", "*.pyc", ".venv", "venv")


class SharedFiles:
    """The large files of one grading's submission, copied once for all its checks. A check
    whose program wrote into its link changed the copy: the next check gets a fresh one."""

    def __init__(self):
        self._folder: Path | None = None
        self._copies: dict[Path, tuple[Path, tuple]] = {}  # file -> (its copy, the copy's size and time)
        self._made = 0
        self._lock = threading.Lock()

    def copy_of(self, source: Path) -> Path:
        with self._lock:
            copy, stamp = self._copies.get(source, (None, None))
            if copy is None or _stamp(copy) != stamp:
                if self._folder is None:
                    self._folder = Path(tempfile.mkdtemp(prefix=f"netgrader-{os.getpid()}-shared-"))
                self._made += 1
                copy = self._folder / str(self._made)
                shutil.copyfile(source, copy)
                copy.chmod(0o644)  # read by the check's own user, through a bind or a link
                self._copies[source] = (copy, _stamp(copy))
            return copy

    def close(self) -> None:
        with self._lock:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
            self._folder, self._copies = None, {}


def _stamp(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return ()
    return stat.st_size, stat.st_mtime_ns


def copy_submission(folder: Path, workdir: Path) -> list[tuple[Path, Path]]:
    """Copy the student's files into `workdir`, as plain files: a symlink is copied as what it
    points to when that lies in the submission, and left out when it points elsewhere
    (`image.jpg -> ~/.bashrc` would let the fixture copied over it, or a program, write on the
    machine). Returns the large files, not copied: (the file, where it belongs in workdir)."""
    root = folder.resolve()
    large: list[tuple[Path, Path]] = []
    total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    threshold = LARGE_BYTES if total <= COPY_BUDGET else SHARED_BYTES

    def ignore(directory: str, names: list[str]) -> set[str]:
        ignored = set(IGNORED(directory, names))
        for name in names:
            path = Path(directory, name)
            if path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(root):  # a loop too
                ignored.add(name)
            elif name not in ignored and path.is_file() and path.stat().st_size >= threshold:
                ignored.add(name)
                large.append((path.resolve(), workdir / path.relative_to(folder)))
        return ignored

    shutil.copytree(folder, workdir, dirs_exist_ok=True, ignore=ignore, symlinks=False)
    return large


def place_large(large: list[tuple[Path, Path]], shown_read_only: bool, shared: SharedFiles | None) -> list:
    """Put each large file where it belongs: an empty stand-in that bubblewrap covers with the
    original, read-only (returned as binds: file, path), or a link to the grading's one copy."""
    binds = []
    for source, target in large:
        target.parent.mkdir(parents=True, exist_ok=True)
        if shown_read_only:
            target.touch()
            if source.stat().st_mode & 0o004 == 0 and shared is not None:  # the program's own user reads it
                source = shared.copy_of(source)
            binds.append((source, target))
        elif shared is not None:
            try:
                os.link(shared.copy_of(source), target)
            except OSError:  # another file system: a copy of its own
                shutil.copyfile(source, target)
        else:
            shutil.copyfile(source, target)
    return binds
