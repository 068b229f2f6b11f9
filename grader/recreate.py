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
import functools
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# a name and an extension (a.jpeg), or the extension alone, the name lost in a rename ('.jpeg')
FILE_NAME = re.compile(r"(?:[^\n\r\t]{0,250}[^/\\\s.])?\.[A-Za-z][A-Za-z0-9]{0,4}")
NOT_A_PATH = re.compile(r"://|^\d+(\.\d+)+$|^[\w-]+\.(py|pyc)$")  # a URL, an address, a module
WRITE_MODES = set("wax+")
UNREACHABLE = ("/usr", "/bin", "/sbin", "/lib", "/etc", "/proc", "/dev", "/sys", "/run")


@functools.lru_cache(maxsize=256)  # every check of a grading reads the same scripts
def file_literals(source: str) -> dict[str, bool]:
    """The file names a script spells out, each with whether the script opens it for writing
    (`open(name, 'wb')`). A name is a string literal, or an expression of literals and of
    variables holding them: `os.path.join('/home/tarena', 'a.jpg')`, `DIR + 'a.jpg'`,
    `f'{DIR}/a.jpg'`, `Path(DIR) / 'a.jpg'`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return {}
    names: dict[str, str] = {}  # variable -> the text it was given (module-level order is enough)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = _text_of(node.value, names)
            if value is not None:
                names[node.targets[0].id] = value
    fragments = {id(child) for node in ast.walk(tree)  # 'a' + '.jpg', join(a, 'b.jpg'): only the whole is a name
                 if isinstance(node, (ast.BinOp, ast.JoinedStr)) or (isinstance(node, ast.Call) and (
                     _is_path_join(node) or _called(node) in ("format", "expanduser")))
                 for child in [*ast.iter_child_nodes(node), getattr(getattr(node, "func", None), "value", None)]}
    found = {value: False for node in ast.walk(tree) if isinstance(node, ast.expr) and id(node) not in fragments
             for value in [_text_of(node, names)] if value is not None and _is_file_name(value)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node) == "open" and node.args):
            continue
        path = _text_of(node.args[0], names)
        mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
        if path in found and isinstance(mode, ast.Constant) and WRITE_MODES & set(str(mode.value)):
            found[path] = True
    return found


def _text_of(node: ast.AST, names: dict[str, str]) -> str | None:
    """The text an expression of literals always has, or None."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # '/home/%s.jpg' % name
        left = _text_of(node.left, names)
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        texts = [_text_of(value, names) for value in values]
        return _formatted(lambda: left % tuple(texts)) if left is not None and None not in texts else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        left, right = _text_of(node.left, names), _text_of(node.right, names)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else os.path.join(left, right)  # Path / name
    if isinstance(node, ast.JoinedStr):
        parts = [_text_of(v.value if isinstance(v, ast.FormattedValue) else v, names) for v in node.values]
        return "".join(parts) if None not in parts else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and not node.keywords:  # '/home/{}.jpg'.format(name)
        template, texts = _text_of(node.func.value, names), [_text_of(arg, names) for arg in node.args]
        return _formatted(lambda: template.format(*texts)) if template is not None and None not in texts else None
    if isinstance(node, ast.Call) and _called(node) == "expanduser" and len(node.args) == 1:
        return _text_of(node.args[0], names)  # '~/…': plan() reads ~ as the home, the working directory
    if isinstance(node, ast.Call) and _called(node) in ("join", "Path", "PurePath") and node.args and not node.keywords:
        parts = [_text_of(arg, names) for arg in node.args]
        if None in parts or (_called(node) == "join" and not _is_path_join(node)):
            return None
        return os.path.join(*parts)
    return None


def _formatted(make) -> str | None:
    try:
        return make()
    except (TypeError, ValueError, KeyError, IndexError):
        return None


def _is_path_join(call: ast.Call) -> bool:
    """os.path.join / path.join, not ''.join(...) or sep.join(...)."""
    function = call.func
    return isinstance(function, ast.Attribute) and function.attr == "join" and (
        getattr(function.value, "attr", None) == "path" or getattr(function.value, "id", None) == "path")


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
        for literal, written in _with_home(file_literals(source)).items():
            path = os.path.normpath(workdir / literal)  # an absolute literal stays itself
            inside = PurePosixPath(path).is_relative_to(workdir)
            if (inside and os.path.lexists(path)) or path.startswith(UNREACHABLE) or (not inside and not outside) \
                    or os.path.dirname(path) == "/":
                continue  # there already; shown read-only from the machine; not to be made on the host; /
            fixture = None if written or os.path.relpath(path, workdir) in outputs else _stand_in(literal, stand_ins)
            if fixture is not None:
                layout.files[path] = fixture
                layout.shown[path] = literal
            if not inside or not os.path.isdir(os.path.dirname(path)):
                layout.folders.add(os.path.dirname(path))  # ../day11/, /home/tarena/FTP/, upload/
    return layout


def _with_home(literals: dict[str, bool]) -> dict[str, bool]:
    """'~/图片/a.png' is the home's (expanduser; HOME is the working directory in the sandbox) or,
    opened as it is, a folder named '~': both are made."""
    homes = {literal[2:]: written for literal, written in literals.items() if literal.startswith("~/")}
    return {**literals, **homes}


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
