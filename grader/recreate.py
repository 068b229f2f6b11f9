"""The student's computer, recreated inside the sandbox: files and folders a program names by a
path that only existed there.

Why: the upload handout says 图片自选 (pick any picture), so real clients open `zly.jpeg`,
`/home/tarena/下载/reba.jpeg` or `../day13/test_pool/三吉彩花.jpg`, and real servers write to
`../day11/20210909.jpeg`. A teaching assistant would fix the path, run the program and write a
remark; the grader does the same before the program starts. It reads the string literals of
the student's scripts (with `ast`: no run needed, so no failed first run), and for each file
path that does not exist where the program runs:

  * a picture (a name the exercise marks as standing in for one of its fixtures, and not a
    file the program writes or the check expects it to write) gets the fixture's bytes;
  * a folder outside the working directory is made, so that writing there works and the check
    can name the file written instead of `new.jpg`.

Outside the working directory this needs the sandbox's own view of the file system
(bubblewrap): each folder is a directory of the sandbox bound at the student's path, never
created on the host. Files the exercise does not provide (`chat.txt` with a bot's answers) are
not made up: such a program fails with the file named.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

FILE_NAME = re.compile(r"[^\n\r\t]{0,250}\.[A-Za-z][A-Za-z0-9]{0,4}")  # ends in an extension such as .jpeg
NOT_A_PATH = re.compile(r"://|^\d+(\.\d+)+$|^[\w-]+\.(py|pyc)$")  # a URL, an address, a module
WRITE_MODES = set("wax+")
UNREACHABLE = ("/usr", "/bin", "/sbin", "/lib", "/etc", "/proc", "/dev", "/sys", "/run")


def file_literals(source: str) -> dict[str, bool]:
    """The string literals of a script that name a file, each with whether the script opens
    it for writing (`open(name, 'wb')`, directly or through a variable holding it)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    names: dict[str, str] = {}  # variable -> the literal it was given
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = node.value.value
    found = {node.value: False for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_file_name(node.value)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node) == "open" and node.args):
            continue
        first = node.args[0]
        path = first.value if isinstance(first, ast.Constant) else names.get(getattr(first, "id", None))
        mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
        if path in found and isinstance(mode, ast.Constant) and WRITE_MODES & set(str(mode.value)):
            found[path] = True
    return found


def _called(call: ast.Call) -> str | None:
    function = call.func
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)


def _is_file_name(text: str) -> bool:
    return FILE_NAME.fullmatch(text) is not None and NOT_A_PATH.search(text) is None


@dataclass
class Layout:
    """What to make before a program starts, at the paths the program sees."""

    files: dict[str, Path] = field(default_factory=dict)  # path -> the fixture copied there
    folders: set[str] = field(default_factory=set)  # folders outside the working directory
    shown: dict[str, str] = field(default_factory=dict)  # path -> as the student wrote it


def plan(sources: list[str], workdir: Path, stand_ins: dict[Path, tuple[str, ...]], outputs: set[str],
         outside: bool) -> Layout:
    """The layout that recreates the paths of `sources` for a program running in `workdir`.
    `stand_ins`: fixture -> name patterns it stands in for; `outputs`: names the checks expect
    the program to write; `outside`: whether paths outside `workdir` can be made (bubblewrap)."""
    layout = Layout()
    for source in sources:
        for literal, written in file_literals(source).items():
            path = os.path.normpath(workdir / literal)  # an absolute literal stays itself
            inside = PurePosixPath(path).is_relative_to(workdir)
            if (inside and os.path.lexists(path)) or path.startswith(UNREACHABLE) or (not inside and not outside):
                continue  # there already; or shown read-only from the machine; or not to be made on the host
            fixture = None if written or os.path.relpath(path, workdir) in outputs else _stand_in(literal, stand_ins)
            if fixture is not None:
                layout.files[path] = fixture
                layout.shown[path] = literal
            if not inside:
                layout.folders.add(os.path.dirname(path))
    return layout


def _stand_in(literal: str, stand_ins: dict[Path, tuple[str, ...]]) -> Path | None:
    name = PurePosixPath(literal.replace("\\", "/")).name.lower()
    for fixture, patterns in stand_ins.items():
        if any(fnmatch.fnmatch(name, pattern) for pattern in patterns):
            return fixture
    return None


def lay_out(layout: Layout, workdir: Path, elsewhere: Path) -> list[tuple[Path, str]]:
    """Make the layout: inside `workdir` directly, outside it in `elsewhere` (a folder of the
    sandbox). Returns the binds (folder of the sandbox, path the program sees) bubblewrap makes."""
    binds: dict[str, Path] = {}
    for path in sorted(layout.folders | {os.path.dirname(p) for p in layout.files}):
        if PurePosixPath(path).is_relative_to(workdir):
            Path(path).mkdir(parents=True, exist_ok=True)
            continue
        top = _mount_point(path)
        binds.setdefault(top, elsewhere / top.lstrip("/"))
        (elsewhere / path.lstrip("/")).mkdir(parents=True, exist_ok=True)
    for path, fixture in layout.files.items():
        target = Path(path) if PurePosixPath(path).is_relative_to(workdir) else elsewhere / path.lstrip("/")
        shutil.copyfile(fixture, target)
    return [(host, target) for target, host in sorted(binds.items())]


def _mount_point(path: str) -> str:
    """Where a recreated folder is bound: its first component, or its first two under /tmp (the
    sandbox's /tmp holds the working directory, so it cannot be covered whole)."""
    parts = PurePosixPath(path).parts
    depth = 3 if parts[1:2] == ("tmp",) else 2
    return str(PurePosixPath(*parts[:depth]))
