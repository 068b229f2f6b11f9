"""Load an exercise YAML into frozen dataclasses, or say exactly where and why it is wrong.

The YAML is interpreted, never turned into code: a check is a list of steps, each a step
kind from STEP_KINDS with its arguments, and grader/steps.py runs them. Every mapping the
loader builds remembers its line, so an error reads `exercises/udp_dict.yaml:14: ...`.
"""

from __future__ import annotations

import ast
import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import FAILURE_KINDS, SpecError

LANGS = ("zh", "en")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# ---------------------------------------------------------------- the step language


@dataclass(frozen=True)
class Arg:
    types: tuple
    required: bool = False
    default: Any = None
    refers_to: str | None = None  # "port" or "role": must name one the exercise declares


@dataclass(frozen=True)
class StepKind:
    args: Mapping[str, Arg]
    shorthand: str | None = None  # `start: server` means `start: {student: server}`
    one_of: tuple = ()  # at most one of these arguments may be given
    timeout_arg: str | None = None  # the argument holding the step's own time limit


_NUM = (int, float)
_TEXTS = (str, list)
STEP_KINDS: dict[str, StepKind] = {
    "start": StepKind(
        shorthand="student",
        args={
            "student": Arg((str,), True, refers_to="role"),
            "stdin": Arg((list,), default=()),
            "eof": Arg((bool,), default=False),
        },
    ),
    "listening": StepKind(
        shorthand="port",
        args={
            "port": Arg((str,), True, refers_to="port"),
            "student": Arg((str,), default="server", refers_to="role"),
            "within": Arg(_NUM, default=3.0),
        },
        timeout_arg="within",
    ),
    "send": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "text": Arg((str,)),
            "hex": Arg((str,)),
            "repeat": Arg((int,), default=1),
            "chunk": Arg((int,)),
            "characters": Arg((bool,), default=False),  # chunk counts characters: none is cut in two
            "paced": Arg((bool,), default=False),
            "from": Arg((str,), default="a"),
        },
        one_of=("text", "hex"),
    ),
    "connect": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "from": Arg((str,), default="a"),
            "within": Arg(_NUM, default=3.0),
        },
        timeout_arg="within",
    ),
    "closed": StepKind(
        args={"from": Arg((str,), default="a"), "within": Arg(_NUM, default=3.0)},
        timeout_arg="within",
    ),
    "hang_up": StepKind(args={"from": Arg((str,), default="a")}),
    "nothing_more": StepKind(
        args={"from": Arg((str,), default="a"), "within": Arg(_NUM, default=2.0)},
        timeout_arg="within",
    ),
    "get": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "path": Arg((str,), default="/"),
            "from": Arg((str,), default="a"),
            "within": Arg(_NUM, default=3.0),
        },
        timeout_arg="within",
    ),
    "response": StepKind(
        args={
            "from": Arg((str,), default="a"),
            "status": Arg((int, str), default=200),
            "content_type": Arg((str,)),
            "content_length": Arg((bool,), default=False),
            "body_contains": Arg((str,)),
            "body_file": Arg((str,)),
        },
    ),
    "browser": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "path": Arg((str,), default="/"),
            "shows": Arg((str,), default="image"),
            "within": Arg(_NUM, default=10.0),
        },
        timeout_arg="within",
    ),
    "reply": StepKind(
        args={
            "from": Arg((str,), default="a"),
            "equals": Arg((str,)),  # byte for byte: an echo
            "says": Arg((str,)),  # as a teacher reads it: whitespace and punctuation width do not matter
            "contains": Arg(_TEXTS),
            "means": Arg(_TEXTS),  # any one of these phrasings, where the handout gives no wording
            "matches": Arg((str,)),
            "repeat": Arg((int,), default=1),
            "within": Arg(_NUM, default=2.0),
        },
        one_of=("equals", "says", "contains", "means", "matches"),
        timeout_arg="within",
    ),
    "alive": StepKind(shorthand="student", args={"student": Arg((str,), True, refers_to="role")}),
    "closes_database": StepKind(shorthand="student", args={"student": Arg((str,), True, refers_to="role")}),
    "peer": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "reply": Arg((str,), default="echo"),
            "text": Arg((str,)),
            "file": Arg((str,)),
            "missing": Arg((str,), default="not found"),
            "silent_on": Arg((list,), default=()),
            "table": Arg((dict,)),
        },
    ),
    "type": StepKind(
        args={"student": Arg((str,), True, refers_to="role"), "line": Arg((str,), True)},
    ),
    "stdout": StepKind(
        args={
            "student": Arg((str,), True, refers_to="role"),
            "contains": Arg(_TEXTS),
            "means": Arg(_TEXTS),
            "matches": Arg((str,)),
            "within": Arg(_NUM, default=3.0),
        },
        one_of=("contains", "means", "matches"),
        timeout_arg="within",
    ),
    "exit": StepKind(
        args={
            "student": Arg((str,), True, refers_to="role"),
            "code": Arg((int, str), default=0),  # or "any"
            "within": Arg(_NUM, default=3.0),
        },
        timeout_arg="within",
    ),
    "received": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "equals": Arg((list,), True),
            "allow_extra": Arg((list,), default=()),
            "within": Arg(_NUM, default=3.0),
        },
        timeout_arg="within",
    ),
    "received_lines": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "equals": Arg((list,), True),
            "marker": Arg((str,)),
            "within": Arg(_NUM, default=3.0),
        },
        timeout_arg="within",
    ),
    "file_lines": StepKind(
        args={
            "path": Arg((str,), True),
            "equals": Arg((list,), True),
            "marker": Arg((str,)),
            "waiting": Arg((bool,), default=False),
            "student": Arg((str,), default="server", refers_to="role"),
            "within": Arg(_NUM, default=3.0),
        },
        timeout_arg="within",
    ),
    "upload": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "file": Arg((str,)),
            "size": Arg((int,)),
            "pattern": Arg((str,), default="random"),
            "chunk": Arg((int,), default=65536),
            "paced": Arg((bool,), default=False),
            "from": Arg((str,), default="a"),
            "within": Arg(_NUM, default=10.0),
        },
        one_of=("file", "size"),
        timeout_arg="within",
    ),
    "saved": StepKind(
        args={
            "path": Arg((str,), True),
            "from": Arg((str,), default="a"),
            "student": Arg((str,), default="server", refers_to="role"),
            "within": Arg(_NUM, default=5.0),
        },
        timeout_arg="within",
    ),
    "received_file": StepKind(
        args={
            "port": Arg((str,), True, refers_to="port"),
            "file": Arg((str,), True),
            "within": Arg(_NUM, default=5.0),
        },
        timeout_arg="within",
    ),
}
PEER_BEHAVIOURS = ("echo", "lookup", "keywords", "text", "none")
PATTERNS = ("random", "every_byte")


# ---------------------------------------------------------------- the exercise model


@dataclass(frozen=True)
class Text:
    """A text in both languages of the course."""

    zh: str
    en: str

    def pick(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Port:
    name: str
    proto: str  # "udp" or "tcp"
    port: int  # the handout's port
    strict: bool = False  # another port fails instead of warning
    host: str | None = None  # the address a client must send to, where the handout names one (192.168.1.103)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # after an `id` key the grader adds
    rows: str  # the fixture whose lines fill it: the first columns' words, then the rest of the line


@dataclass(frozen=True)
class Database:
    """A MySQL database the exercise provides for programs that use one (grader/database.py)."""

    name: str
    tables: tuple[Table, ...]
    user: str = "root"
    password: str = "123456"
    port: int = 3306


@dataclass(frozen=True)
class Step:
    kind: str
    args: Mapping[str, Any]
    line: int

    @property
    def timeout(self) -> float:
        name = STEP_KINDS[self.kind].timeout_arg
        return float(self.args[name]) if name else 0.0


@dataclass(frozen=True)
class Check:
    id: str
    title: Text
    steps: tuple[Step, ...]
    line: int
    points: int = 1
    needs: tuple[str, ...] = ()
    hidden: bool = False
    help: Text | None = None
    help_for: tuple[str, ...] = ()  # the failure kinds the help was written for (empty: every failure)
    level: str = "required"  # or "advisory": a failure warns, costs the points, fails only under --strict
    source: Path | None = None  # where a teacher's Python check is written (None: the exercise's YAML)

    @property
    def advisory(self) -> bool:
        return self.level == "advisory"


LEVELS = ("required", "advisory")


@dataclass(frozen=True)
class Exercise:
    id: str
    path: Path
    title: Text
    handout: Text
    files: Mapping[str, str]  # role -> expected file name
    ports: Mapping[str, Port]
    checks: tuple[Check, ...]
    fixtures: tuple[str, ...] = ()
    # fixture -> the file names it stands in for when a program opens one that only existed on
    # the student's computer (`/home/tarena/下载/reba.jpeg` gets image.jpg): see grader/recreate.py
    stand_ins: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # (pattern, line): a prompt the grader answers itself whenever a program shows it, as a
    # person would (`input('input server ip:')` gets 127.0.0.1, a file name prompt image.jpg)
    prompts: tuple[tuple[str, str], ...] = ()
    encoding: str = "utf-8"  # of the grader's text on the wire: gbk where the handout's peer was a Windows tool
    python_checks: tuple[Path, ...] = field(default=())
    database: Database | None = None

    @property
    def fixture_dir(self) -> Path:
        return self.path.parent / self.id

    def own_files(self) -> list[Path]:
        """The files that make the exercise: its YAML, then its fixtures folder's files in order
        (Python's caches left out). Hashed by a batch, shipped to a cluster and to Gradescope,
        each laid out as in the exercises folder (relative to self.path.parent)."""
        fixtures = sorted(p for p in self.fixture_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if self.fixture_dir.is_dir() else []
        return [self.path, *fixtures]

    @property
    def check_ids(self) -> list[str]:
        """Every check, the YAML's and then the teacher's Python ones (`@pytest.mark.check(id=...)`,
        read without running them), in order."""
        found = [check.id for check in self.checks]
        for path in self.python_checks:
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (OSError, SyntaxError, UnicodeDecodeError):
                continue  # pytest says what is wrong with it when it runs
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "check":
                    found += [k.value.value for k in node.keywords
                              if k.arg == "id" and isinstance(k.value, ast.Constant) and k.value.value not in found]
        return found

    @property
    def outputs(self) -> set[str]:
        """The files the checks expect a program to write (new.jpg, records.txt)."""
        return {step.args["path"] for check in self.checks for step in check.steps if step.kind in ("saved", "file_lines")}

    def check(self, check_id: str) -> Check:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)


# ---------------------------------------------------------------- loading


class _Mapping(dict):
    """A dict that knows the line it came from and the line of each key."""

    line = 0
    key_lines: dict


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser where PyYAML has it: a tenth of the pure-Python one's time."""


class _ExactLoader(yaml.SafeLoader):
    """The pure-Python parser, for the message of a syntax error (libyaml's says less)."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    result = _Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise SpecError(f"{loader.name}:{key_node.start_mark.line + 1}: key {key!r} appears twice")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


for _loader in (_Loader, _ExactLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Where:
    """Builds `file:line: message` errors for one file."""

    def __init__(self, path: Path):
        self.path = path

    def error(self, line: int, message: str) -> SpecError:
        return SpecError(f"{self.path}:{line}: {message}")

    @staticmethod
    def line_of(mapping, key=None) -> int:
        if isinstance(mapping, _Mapping):
            return mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
        return 1


def load(path: str | Path) -> Exercise:
    """Read and validate one exercise file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such exercise file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None
    try:
        try:
            data = _parse(_Loader, text, path)
        except yaml.MarkedYAMLError:
            data = _parse(_ExactLoader, text, path)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        context = ""
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            context = f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise SpecError(f"{path}:{line}: not valid YAML: {exc.problem}{context}") from None
    return _exercise(data, path, _Where(path))


def _parse(loader_class, text: str, path: Path):
    loader = loader_class(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _expect_keys(where, mapping, allowed, required, what):
    if not isinstance(mapping, dict):
        raise where.error(where.line_of(mapping), f"{what} must be a mapping")
    for key in mapping:
        if key not in allowed:
            raise where.error(
                where.line_of(mapping, key),
                f"unknown key {key!r} in {what}; expected one of: {', '.join(allowed)}",
            )
    for key in required:
        if key not in mapping:
            raise where.error(where.line_of(mapping), f"{what} needs the key {key!r}")


def _text(where, mapping, key, parent, also=()) -> Text:
    value = parent[key]
    line = where.line_of(parent, key)
    texts = {k: v for k, v in value.items() if k not in also} if isinstance(value, dict) else None
    if texts is None or set(texts) != set(LANGS) or not all(isinstance(v, str) for v in texts.values()):
        raise where.error(line, f"{key!r} must give a text for each of: zh, en")
    return Text(zh=value["zh"], en=value["en"])


def _help_for(where, raw) -> tuple[str, ...]:
    """`help: {zh, en, for: [wrong_reply, no_reply]}`: the failures a check's help was written
    for. Any other failure gets the hint of what happened instead (a missing file is not told
    how to send a line)."""
    kinds = raw["help"].get("for", []) if isinstance(raw.get("help"), dict) else []
    kinds = [kinds] if isinstance(kinds, str) else kinds
    line = where.line_of(raw["help"], "for") if kinds else 0
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        raise where.error(line, "help's `for` must list failure kinds, e.g. [wrong_reply, no_reply]")
    unknown = [kind for kind in kinds if kind not in FAILURE_KINDS]
    if unknown:
        raise where.error(line, f"help's `for` names {', '.join(map(repr, unknown))}, which is no failure kind; "
                          f"the kinds are: {', '.join(FAILURE_KINDS)}")
    return tuple(kinds)


def _exercise(data, path: Path, where: _Where) -> Exercise:
    allowed = ("id", "title", "handout", "files", "fixtures", "stand_ins", "prompts", "encoding", "ports", "checks",
               "python_checks", "database")
    _expect_keys(where, data, allowed, ("id", "title", "handout", "files", "checks"), "an exercise")
    ex_id = data["id"]
    if ex_id != path.stem:
        raise where.error(where.line_of(data, "id"), f"id {ex_id!r} must match the file name {path.stem!r}")

    files = data["files"]
    if not isinstance(files, dict) or not files or not all(isinstance(v, str) for v in files.values()):
        raise where.error(where.line_of(data, "files"), "files must map each role to a file name, e.g. {server: server.py}")

    ports = {}
    for name, port in (data.get("ports") or {}).items():
        line = where.line_of(data["ports"], name)
        _expect_keys(where, port, ("proto", "port", "strict", "host"), ("proto", "port"), f"port {name!r}")
        if port["proto"] not in ("udp", "tcp"):
            raise where.error(line, f"port {name!r}: proto must be udp or tcp, not {port['proto']!r}")
        if not isinstance(port["port"], int) or not 0 < port["port"] < 65536:
            raise where.error(line, f"port {name!r}: port must be a number from 1 to 65535")
        ports[name] = Port(name, port["proto"], port["port"], bool(port.get("strict", False)),
                           str(port["host"]) if "host" in port else None)

    fixtures = tuple(data.get("fixtures") or ())
    for fixture in fixtures:
        if not (path.parent / ex_id / fixture).is_file():
            raise where.error(
                where.line_of(data, "fixtures"),
                f"fixture {fixture!r} is missing: expected {path.parent / ex_id / fixture}",
            )
    stand_ins = {}
    for fixture, patterns in (data.get("stand_ins") or {}).items():
        line = where.line_of(data["stand_ins"], fixture)
        if fixture not in fixtures:
            raise where.error(line, f"stand_ins: {fixture!r} is not one of the fixtures ({', '.join(fixtures) or 'none'})")
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
            raise where.error(line, f"stand_ins: {fixture!r} needs a list of file name patterns, e.g. ['*.jpg', '*.jpeg']")
        stand_ins[fixture] = tuple(patterns)
    prompts = []
    for prompt in data.get("prompts") or ():
        line = where.line_of(prompt) if isinstance(prompt, dict) else where.line_of(data, "prompts")
        _expect_keys(where, prompt, ("matches", "answer"), ("matches", "answer"), "a prompt")
        try:
            re.compile(str(prompt["matches"]))
        except re.error as exc:
            raise where.error(line, f"prompt pattern {prompt['matches']!r} is not a valid regular expression: {exc}") from None
        prompts.append((str(prompt["matches"]), str(prompt["answer"])))
    encoding = data.get("encoding", "utf-8")
    try:
        encoding = codecs.lookup(str(encoding)).name
    except LookupError:
        raise where.error(where.line_of(data, "encoding"), f"unknown encoding {encoding!r}; e.g. utf-8 or gbk") from None
    database = _database(data["database"], where, fixtures) if "database" in data else None
    python_checks = []
    for name in data.get("python_checks") or ():
        file = path.parent / ex_id / name
        if not file.is_file():
            raise where.error(where.line_of(data, "python_checks"), f"python check file {file} is missing")
        python_checks.append(file)

    if not isinstance(data["checks"], list) or not data["checks"]:
        raise where.error(where.line_of(data, "checks"), "checks must be a non-empty list")
    checks: list[Check] = []
    known: dict[str, str] = {}  # id -> level of the checks so far, for `needs`
    problems: list[SpecError] = []  # every check is read: a teacher fixes them all at once
    for raw in data["checks"]:
        try:
            checks.append(_check(raw, where, files, ports, dict(known)))
            known[checks[-1].id] = checks[-1].level
        except SpecError as exc:
            problems.append(exc)
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                known.setdefault(raw["id"], "required")  # its dependants are not blamed for it
    if problems:
        raise problems[0] if len(problems) == 1 else SpecError("\n".join(str(p) for p in problems))
    return Exercise(
        id=ex_id,
        path=path,
        title=_text(where, data, "title", data),
        handout=_text(where, data, "handout", data),
        files=dict(files),
        ports=ports,
        checks=tuple(checks),
        fixtures=fixtures,
        stand_ins=stand_ins,
        prompts=tuple(prompts),
        encoding=encoding,
        python_checks=tuple(python_checks),
        database=database,
    )


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def _database(raw, where, fixtures) -> Database:
    _expect_keys(where, raw, ("name", "tables", "user", "password", "port"), ("name", "tables"), "database")
    line = where.line_of(raw)
    for key in ("name", "user"):
        if key in raw and not IDENTIFIER.fullmatch(str(raw[key])):
            raise where.error(where.line_of(raw, key), f"database {key} must be a plain name such as dict, not {raw[key]!r}")
    port = raw.get("port", 3306)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise where.error(where.line_of(raw, "port"), "database port must be a number from 1 to 65535")
    tables = raw["tables"]
    if not isinstance(tables, dict) or not tables:
        raise where.error(line, "database tables must map each table to {columns: [...], rows: fixture}")
    parsed = []
    for name, table in tables.items():
        table_line = where.line_of(tables, name)
        _expect_keys(where, table, ("columns", "rows"), ("columns", "rows"), f"table {name!r}")
        columns = table["columns"]
        if not IDENTIFIER.fullmatch(str(name)) or not isinstance(columns, list) or not columns or not all(
                isinstance(c, str) and IDENTIFIER.fullmatch(c) and c != "id" for c in columns):
            raise where.error(table_line, f"table {name!r}: a plain name, and columns such as [word, mean] (id is added)")
        if table["rows"] not in fixtures:
            raise where.error(table_line, f"table {name!r}: rows {table['rows']!r} is not one of the fixtures "
                                          f"({', '.join(fixtures) or 'none'})")
        parsed.append(Table(str(name), tuple(columns), table["rows"]))
    return Database(name=str(raw["name"]), tables=tuple(parsed), user=str(raw.get("user", "root")),
                    password=str(raw.get("password", "123456")), port=port)


def _check(raw, where, files, ports, earlier_levels: dict[str, str]) -> Check:
    allowed = ("id", "title", "level", "points", "needs", "hidden", "help", "steps")
    _expect_keys(where, raw, allowed, ("id", "title", "steps"), "a check")
    line = where.line_of(raw)
    check_id = raw["id"]
    if not isinstance(check_id, str) or not ID_PATTERN.match(check_id):
        raise where.error(line, f"check id {check_id!r} must be lowercase letters, digits, - or _")
    if check_id in earlier_levels:
        raise where.error(line, f"check id {check_id!r} is used twice")
    needs = raw.get("needs") or ()
    needs = (needs,) if isinstance(needs, str) else tuple(needs)
    for need in needs:
        if need not in earlier_levels:
            raise where.error(
                where.line_of(raw, "needs"),
                f"check {check_id!r} needs {need!r}, which is not a check defined above it",
            )
    level = raw.get("level", "required")
    if level not in LEVELS:
        raise where.error(where.line_of(raw, "level"), f"level must be required or advisory, not {level!r}")
    for need in needs:
        if level == "required" and earlier_levels.get(need) == "advisory":
            raise where.error(where.line_of(raw, "needs"), f"required check {check_id!r} needs {need!r}, which is "
                              "advisory: its failure would skip a required check without failing the grade")
    points = raw.get("points", 1)
    if not isinstance(points, int) or points < 0:
        raise where.error(where.line_of(raw, "points"), "points must be a whole number, 0 or more")
    steps = raw["steps"]
    if not isinstance(steps, list) or not steps:
        raise where.error(where.line_of(raw, "steps"), "steps must be a non-empty list")
    return Check(
        id=check_id,
        title=_text(where, raw, "title", raw),
        steps=tuple(_step(s, where, files, ports, line) for s in steps),
        line=line,
        points=points,
        needs=needs,
        hidden=bool(raw.get("hidden", False)),
        help=_text(where, raw, "help", raw, also=("for",)) if "help" in raw else None,
        help_for=_help_for(where, raw),
        level=level,
    )


def _step(raw, where, files, ports, check_line) -> Step:
    line = where.line_of(raw) if isinstance(raw, dict) else check_line
    if not isinstance(raw, dict) or len(raw) != 1:
        raise where.error(line, "a step is one mapping like `send: {port: echo, text: hi}`")
    (kind, args), = raw.items()
    if kind not in STEP_KINDS:
        raise where.error(line, f"unknown step {kind!r}; known steps: {', '.join(STEP_KINDS)}")
    schema = STEP_KINDS[kind]
    if not isinstance(args, dict):
        if schema.shorthand is None or args is None:
            raise where.error(line, f"step {kind!r} needs a mapping of arguments")
        args = {schema.shorthand: args}
    for name, value in args.items():
        if name not in schema.args:
            raise where.error(line, f"step {kind!r} has no argument {name!r}; it takes: {', '.join(schema.args)}")
        arg = schema.args[name]
        if not isinstance(value, arg.types) or (isinstance(value, bool) and bool not in arg.types):
            wanted = " or ".join(t.__name__ for t in arg.types)
            raise where.error(line, f"step {kind!r}: {name!r} must be a {wanted}, not {value!r}")
        if arg.refers_to == "port" and value not in ports:
            raise where.error(line, f"step {kind!r}: unknown port {value!r}; declared ports: {', '.join(ports) or 'none'}")
        if arg.refers_to == "role" and value not in files:
            raise where.error(line, f"step {kind!r}: unknown role {value!r}; roles: {', '.join(files)}")
    given = [name for name in schema.one_of if name in args]
    if len(given) > 1:
        raise where.error(line, f"step {kind!r}: give only one of {', '.join(schema.one_of)}")
    for name, arg in schema.args.items():
        if arg.required and name not in args:
            raise where.error(line, f"step {kind!r} needs the argument {name!r}")
    if kind == "upload" and not ("file" in args or "size" in args):
        raise where.error(line, "step 'upload' needs 'file' (a fixture) or 'size' (generated bytes)")
    if kind == "upload" and args.get("pattern", "random") not in PATTERNS:
        raise where.error(line, f"upload pattern must be one of {', '.join(PATTERNS)}")
    tcp_only = kind in ("get", "connect", "upload", "received_file", "received_lines", "browser")
    if (tcp_only or (kind == "send" and ("chunk" in args or args.get("paced")))) and ports[args["port"]].proto != "tcp":
        what = kind if tcp_only else "send' with 'chunk' or 'paced"
        raise where.error(line, f"step '{what}' needs a tcp port; {args['port']!r} is {ports[args['port']].proto}")
    if kind == "response" and isinstance(args.get("status"), str) and args["status"] != "any":
        raise where.error(line, f"response status must be a number or 'any', not {args['status']!r}")
    if kind == "exit" and isinstance(args.get("code"), str) and args["code"] != "any":
        raise where.error(line, f"exit code must be a number or 'any', not {args['code']!r}")
    if kind == "browser" and args.get("shows", "image") != "image":
        raise where.error(line, f"a browser step can check that the page shows 'image', not {args['shows']!r}")
    if kind == "peer":
        behaviour = args.get("reply", "echo")
        if behaviour not in PEER_BEHAVIOURS:
            raise where.error(line, f"peer reply must be one of {', '.join(PEER_BEHAVIOURS)}, not {behaviour!r}")
        needed = {"text": "text", "lookup": "file", "keywords": "table"}.get(behaviour)
        if needed and needed not in args:
            raise where.error(line, f"a peer that replies with {behaviour!r} needs {needed!r}")
    full = {name: arg.default for name, arg in schema.args.items() if arg.default is not None}
    full.update(args)
    return Step(kind=kind, args=full, line=line)
