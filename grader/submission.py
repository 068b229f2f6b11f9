"""Which of the student's files plays which role (server, client) of an exercise.

Students misname files all the time (`Server.py`, `udp_server.py`, `服务端.py`), and hand in
whole day folders. The exercise's name for a role comes first; `--file server=udp_server.py`
maps it by hand; else the script that plays the role is found by reading the code
(grader/roles.py), and the report says which file was graded as which role and why. The
grader never guesses silently: a role nothing fits is reported with the name the exercise
expects and the .py files that are there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import untrusted
from .discover import Unreadable, inspect, junk
from .i18n import submission_error
from .roles import Choice, assign, read_script
from .spec import Exercise


@dataclass(frozen=True)
class Submission:
    folder: Path
    files: dict[str, Path]  # role -> script inside the folder
    missing: dict[str, str] = field(default_factory=dict)  # role -> the file name expected
    found: tuple[str, ...] = ()  # the .py files present, for the message
    detected: dict[str, Choice] = field(default_factory=dict)  # role -> the script found by reading the code


def resolve(folder: str | Path, exercise: Exercise, overrides: dict[str, str] | None = None) -> Submission:
    folder = Path(folder)
    if not folder.exists():
        raise submission_error("submission.no_folder", folder=str(folder))
    if not folder.is_dir():
        raise submission_error("submission.not_a_folder", folder=str(folder), files=", ".join(exercise.files.values()))
    folder = folder.resolve()
    try:
        inspect(folder)
    except Unreadable as error:
        raise submission_error(error.message.key, **error.message.params) from None
    found = tuple(sorted(str(p.relative_to(folder)) for p in untrusted.files(folder)  # no link: it may name /dev/zero
                         if p.suffix == ".py" and not junk(p.relative_to(folder).parts)))
    overrides = overrides or {}
    for role in overrides:
        if role not in exercise.files:
            raise submission_error("submission.no_role", role=role, exercise=exercise.id, roles=", ".join(exercise.files))
    files, missing = {}, {}
    for role, expected in exercise.files.items():
        name = overrides.get(role, expected)
        path = Path(os.path.realpath(folder / name))  # a loop of links resolves too
        if not path.is_relative_to(folder):
            if (folder / name).is_symlink():
                raise submission_error("submission.link_outside", name=name, target=str(path), folder=str(folder))
            raise submission_error("submission.file_outside", role=role, name=name, folder=str(folder))
        if path.is_file():
            check_encoding(path, name)
            files[role] = path.relative_to(folder)
        elif role in overrides:  # a mistake in the command, not the student's: said as such
            raise submission_error("submission.file_not_there", role=role, name=name, folder=str(folder),
                                  found=", ".join(found) or "-")
        else:
            missing[role] = name
    detected = {}
    unmapped = [role for role in missing if role not in overrides]
    if unmapped:
        taken = {str(path) for path in files.values()}
        scripts = [read_script(folder, folder / name) for name in found
                   if name not in taken and (folder / name).stat().st_size <= SCRIPT_MAX_BYTES]
        detected = assign(exercise, scripts, unmapped)
        for role, choice in detected.items():
            check_encoding(folder / choice.path, choice.path)
            files[role] = Path(choice.path)
            del missing[role]
    return Submission(folder=folder, files=files, missing=missing, found=found, detected=detected)


SCRIPT_MAX_BYTES = 1024 * 1024  # a larger .py is no student's program: not read to find roles
CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")  # PEP 263


def check_encoding(path: Path, name: str) -> None:
    """Python 3 runs a script only if it is UTF-8 or declares its encoding. A file saved in
    GBK (Notepad on a Chinese Windows) is neither: say so once, instead of one SyntaxError per
    check."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise submission_error("submission.unreadable", name=name, why=exc.strerror) from None
    if any(CODING.match(line) for line in data.splitlines()[:2]):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gbk")
            key = "submission.gbk"
        except UnicodeDecodeError:
            key = "submission.not_utf8"
        raise submission_error(key, name=name, byte=f"{data[exc.start]:#04x}", line=line) from None
