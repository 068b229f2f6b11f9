"""Where exercises are found by name: a teacher's own folder (`--exercises DIR`, or
$NETGRADER_EXERCISES: folders separated by `:`), then `exercises/` of the current directory,
then the course that comes with the grader (this checkout's `exercises/`, or the copy a plain
`pip install` carries in grader/course/). An exercise's reference programs sit beside its
folder: `../reference/<id>/`, in either layout."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import GraderError

PROJECT = Path(__file__).resolve().parent.parent
INSTALLED = Path(__file__).resolve().parent / "course"  # where a non-editable install puts the course
ENVIRONMENT = "NETGRADER_EXERCISES"


def exercise_dirs() -> list[Path]:
    own = [Path(d) for d in os.environ.get(ENVIRONMENT, "").split(os.pathsep) if d]
    for folder in own:
        if not folder.is_dir():
            raise GraderError(f"{ENVIRONMENT} names {folder}, which is not a folder")
    dirs = [*own, Path.cwd() / "exercises", PROJECT / "exercises", INSTALLED / "exercises"]
    return list(dict.fromkeys(d.resolve() for d in dirs if d.is_dir()))


def known_exercises() -> list[Path]:
    found = {}
    for directory in exercise_dirs():
        for path in sorted(directory.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return list(found.values())


def find_exercise(name: str | Path) -> Path:
    """The YAML of an exercise given by id (`udp_dict`) or by path."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise GraderError(f"no exercise file {path}")
        return path
    for candidate in known_exercises():
        if candidate.stem == str(name):
            return candidate
    names = ", ".join(p.stem for p in known_exercises()) or "none"
    raise GraderError(f"unknown exercise {str(name)!r}; known exercises: {names}")


def rerun_name(exercise) -> str:
    """How a rerun line names the exercise: its id where `grader grade ID` finds it, else its path."""
    try:
        return exercise.id if find_exercise(exercise.id).resolve() == exercise.path.resolve() else str(exercise.path)
    except GraderError:
        return str(exercise.path)
