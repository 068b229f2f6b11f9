"""Which of a student's scripts plays which role of an exercise, read from the code (with `ast`,
before anything runs), for the files a student named as they pleased (`udp_server.py`,
`服务端.py`, `client (1).py`) or handed in with a whole day's folder.

Why reading and not names: names say little (`search_server.py`, `test2.py`); what a program
does with its socket says much. A server of the exercise's protocol binds and calls recvfrom
(UDP) or listens and accepts (TCP); a client connects or sends without them. The exercise's own
literals (its port, `dict.txt`, `new.jpg`, `'##'`, the words its checks send and expect) make
a candidate likelier, and so does a name that says server or client. Each choice comes with
its reasons, and the runner-up when two fit.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from .spec import Exercise

SERVER_WORDS = re.compile(r"serv|服务|srv", re.IGNORECASE)
CLIENT_WORDS = re.compile(r"client|客户|cli(?!ent)", re.IGNORECASE)
SIGNALS = ("bind", "recvfrom", "listen", "accept", "connect", "sendto", "send", "sendall", "recv")
CALLED_AS = {"create_connection": "connect"}  # other spellings of a signal
SOCKETSERVERS = {"UDPServer": "udp", "ThreadingUDPServer": "udp", "ForkingUDPServer": "udp",
                 "TCPServer": "tcp", "ThreadingTCPServer": "tcp", "ForkingTCPServer": "tcp", "HTTPServer": "tcp"}


@dataclass
class Script:
    """What a script does with sockets, as its code says."""

    path: str  # relative to the submission's folder
    calls: set[str] = field(default_factory=set)  # socket methods it calls: bind, recvfrom, ...
    protos: set[str] = field(default_factory=set)  # udp (SOCK_DGRAM), tcp (SOCK_STREAM or the default)
    literals: set = field(default_factory=set)  # its strings and numbers
    parsed: bool = True

    servers: set[str] = field(default_factory=set)  # protocols of the socketserver classes it uses

    @property
    def serves(self) -> set[str]:
        """The protocols it serves on: bind + recvfrom (udp), listen + accept (tcp), or a
        socketserver class."""
        found = set(self.servers)
        if {"bind", "recvfrom"} <= self.calls:
            found.add("udp")
        if {"listen", "accept"} <= self.calls:
            found.add("tcp")
        return found

    @property
    def asks(self) -> set[str]:
        """The protocols it is a client of, without serving them: sendto (udp); connect, on a
        stream socket (tcp) or a datagram one (udp)."""
        found = set()
        if "sendto" in self.calls:
            found.add("udp")
        if "connect" in self.calls:
            found |= {"tcp"} if "tcp" in self.protos or not self.protos else {"udp"}
        return found - self.serves


def read_script(folder: Path, path: Path) -> Script:
    script = Script(str(path.relative_to(folder)))
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        script.parsed = False
        return script
    sockets_made = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            name = CALLED_AS.get(name, name)
            if name in SIGNALS:
                script.calls.add(name)
            if name in SOCKETSERVERS:
                script.servers.add(SOCKETSERVERS[name])
                sockets_made = True
            if name == "socket":
                sockets_made = True
                if len(node.args) < 2 and not any(k.arg == "type" for k in node.keywords):
                    script.protos.add("tcp")  # socket() and socket(AF_INET): a stream socket
        elif isinstance(node, (ast.Name, ast.Attribute)):
            word = node.id if isinstance(node, ast.Name) else node.attr
            if word == "SOCK_DGRAM":
                script.protos.add("udp")
            elif word == "SOCK_STREAM":
                script.protos.add("tcp")
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
            script.literals.add(node.value.strip() if isinstance(node.value, str) else node.value)
    if not sockets_made:
        script.protos.clear()
    return script


def exercise_literals(exercise: Exercise) -> set:
    """The exercise's own words: its ports, its files, and what its checks send and expect."""
    found: set = {port.port for port in exercise.ports.values()}
    found |= set(exercise.fixtures) | set(exercise.outputs)
    for check in exercise.checks:
        for step in check.steps:
            for key in ("text", "equals", "says", "contains", "path", "marker", "line"):
                value = step.args.get(key)
                if isinstance(value, str) and value.strip():
                    found.add(value.strip())
    return found


def kinds(exercise: Exercise) -> dict[str, str]:
    """What each role is: `server` (its checks wait for it to listen), `client` (its checks
    give it a reference server), or `either` (a program that is both, as the menu chat)."""
    found: dict[str, set[str]] = {role: set() for role in exercise.files}
    for check in exercise.checks:
        started = {step.args["student"] for step in check.steps if step.kind == "start"}
        listened = {step.args.get("student") for step in check.steps if step.kind == "listening"}
        peered = any(step.kind == "peer" for step in check.steps)
        for role in started & set(found):
            if role in listened:
                found[role].add("server")
            elif peered:
                found[role].add("client")
    return {role: next(iter(seen)) if len(seen) == 1 else "either" for role, seen in found.items()}


@dataclass(frozen=True)
class Choice:
    role: str
    path: str  # the script chosen, relative to the folder
    reasons: tuple[str, ...]  # why, as keys of the catalogs' role.* words: serves_udp, port, name...
    runner_up: str | None = None  # another script that fitted almost as well


def score(script: Script, kind: str, protos: set[str], literals: set) -> tuple[int, list[str]]:
    """How well a script fits a role of this kind, and why."""
    points, reasons = 0, []
    if kind in ("server", "either") and script.serves & protos:
        points += 6
        reasons.append("serves_" + sorted(script.serves & protos)[0])
    if kind in ("client", "either") and script.asks & protos:
        points += 6
        reasons.append("asks_" + sorted(script.asks & protos)[0])
    if kind == "server" and script.asks & protos and not script.serves:
        points -= 4  # a client of the exercise's protocol is not its server
    if kind == "client" and script.serves & protos:
        points -= 4
    if script.protos and not script.protos & protos:
        points -= 6  # its sockets speak another protocol: another exercise's program
    hits = script.literals & literals
    if hits:
        points += min(len(hits), 3)
        reasons.append("literals")
    name = Path(script.path).name
    if (kind == "server" and SERVER_WORDS.search(name)) or (kind == "client" and CLIENT_WORDS.search(name)):
        points += 1
        reasons.append("name")
    if not script.parsed:
        points -= 10
    return points, reasons


def assign(exercise: Exercise, scripts: list[Script], roles: list[str]) -> dict[str, Choice]:
    """The best script for each of `roles` (no script plays two), with the runner-up of each."""
    if not scripts or not roles:
        return {}
    role_kinds = kinds(exercise)
    protos = {port.proto for port in exercise.ports.values()} or {"udp", "tcp"}
    literals = exercise_literals(exercise)
    table = {(role, s.path): score(s, role_kinds.get(role, "either"), protos, literals)
             for role in roles for s in scripts}
    best, best_total = None, None
    for chosen in itertools.permutations(scripts, min(len(roles), len(scripts))):
        total = sum(table[(role, s.path)][0] for role, s in zip(roles, chosen))
        if best_total is None or total > best_total:
            best, best_total = chosen, total
    choices = {}
    for role, script in zip(roles, best):
        points, reasons = table[(role, script.path)]
        if points <= 0 and not (len(scripts) == 1 and len(exercise.files) == 1):
            continue  # nothing of it fits this role: better said missing than graded wrong
        others = sorted(((table[(role, s.path)][0], s.path) for s in scripts if s is not script), reverse=True)
        runner_up = others[0][1] if others and others[0][0] >= points - 1 and others[0][0] > 0 else None
        choices[role] = Choice(role, script.path, tuple(reasons) or ("only",), runner_up)
    return choices
