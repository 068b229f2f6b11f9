"""Which of the student's files plays which role (server, client) of an exercise.

Students misname files all the time (`Server.py`, `udp_server.py`, `服务端.py`), and hand in
whole day folders. The exercise's name for a role comes first; `--file server=udp_server.py`
maps it by hand; else the script that plays the role is found by reading the code
(grader/roles.py), and the report says which file was graded as which role and why. The
grader never guesses silently: a role nothing fits is reported with the name the exercise
expects and the .py files that are there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .discover import junk
from .errors import SubmissionError
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
        raise SubmissionError(f"submission folder {folder} does not exist")
    if not folder.is_dir():
        raise SubmissionError(f"submission {folder} is not a folder: give the folder that holds {', '.join(exercise.files.values())}")
    folder = folder.resolve()
    found = tuple(sorted(str(p.relative_to(folder)) for p in folder.rglob("*.py") if not junk(p.relative_to(folder).parts)))
    overrides = overrides or {}
    for role in overrides:
        if role not in exercise.files:
            raise SubmissionError(f"--file {role}=…: exercise {exercise.id} has no role {role!r}; roles: {', '.join(exercise.files)}")
    files, missing = {}, {}
    for role, expected in exercise.files.items():
        name = overrides.get(role, expected)
        path = (folder / name).resolve()
        if not path.is_relative_to(folder):
            if (folder / name).is_symlink():
                raise SubmissionError(f"{name} is a symbolic link to {path}, outside {folder}: put the file itself "
                                      "in the folder")
            raise SubmissionError(f"--file {role}={name}: the file must be inside {folder}")
        if path.is_file():
            check_encoding(path, name)
            files[role] = path.relative_to(folder)
        elif role in overrides:  # a mistake in the command, not the student's: said as such
            raise SubmissionError(f"--file {role}={name}: there is no {name} in {folder}; "
                                  f"its .py files: {', '.join(found) or 'none'}")
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
        raise SubmissionError(f"{name} cannot be read: {exc.strerror}") from None
    if any(CODING.match(line) for line in data.splitlines()[:2]):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gbk")
            guess = ": it looks like GBK; save it as UTF-8 (or put `# -*- coding: gbk -*-` on its first line)"
        except UnicodeDecodeError:
            guess = ": save it as UTF-8"
        raise SubmissionError(f"{name} is not UTF-8 text (byte {data[exc.start]:#04x} on line {line}), "
                              f"so Python cannot run it{guess}") from None
