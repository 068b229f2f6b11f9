"""Where exercises are found by name: `exercises/` of the current directory (a course's own),
then the project's."""

from __future__ import annotations

from pathlib import Path

from .errors import GraderError

PROJECT = Path(__file__).resolve().parent.parent


def exercise_dirs() -> list[Path]:
    dirs = [Path.cwd() / "exercises", PROJECT / "exercises"]
    return list(dict.fromkeys(d for d in dirs if d.is_dir()))


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
