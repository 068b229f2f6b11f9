"""Everything one check runs in, and the promise that it is all gone afterwards.

A Sandbox is a fresh temporary copy of the submission plus the exercise's fixtures, a network
of its own (grader/net.py), the student processes and reference peers started in it, and the
transcript of steps with the warnings they raised. `close()` stops every process (process
groups, descendants, then anything left in the namespace), closes every socket and removes
the directory, whether the check passed or not.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import database, forkserver, fsview, identity, recreate, relay, untrusted
from .errors import CheckFailed, HarnessError
from .copying import SharedFiles, copy_submission, place_large
from .discover import junk
from .limits import CheckLimits, DiskQuota
from .process import StudentProcess, Subprocess
from .proctree import become_subreaper, kill_and_reap, marked_processes
from .student_python import SPY_DIR, STUDENT_ENV, student_python
from .results import Message, StepRecord
from .services import Services
from .spec import Exercise
from .submission import Submission

IPV4 = re.compile(rb"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
CLEAN_UP_WITHIN = 10.0  # seconds to kill what a check left, however fast it forks
ADDRESSES_MAX = 16  # classroom addresses added to a check's network: a class's code names a few


def confinement(network) -> str:
    """What gives the student's programs a sandbox of their own in this network, as the
    report names it: the fork server (grader/forkserver.py), bubblewrap, or nothing."""
    if forkserver.wanted(network):
        return "fork server"
    return "bubblewrap" if fsview.available(network) else ""


class Sandbox:
    on_close_last = staticmethod(lambda: None)  # services of its own, closed after everything else

    def __init__(self, exercise: Exercise, submission: Submission, services: Services | str | None = None,
                 shared: SharedFiles | None = None):
        """`services`: the grader's (grader/services.py); an isolation mode or None makes a
        sandbox that keeps services of its own and closes them with itself. `shared`: the
        grading's copies of the submission's large files (grader/copying.py)."""
        if not isinstance(services, Services):
            services = Services(services, ahead=False)
            self.on_close_last = services.close
        self.services = services
        self.exercise = exercise
        self.submission = submission
        self.steps: list[StepRecord] = []
        self.warnings: list[Message] = []
        self.processes: dict[str, StudentProcess] = {}
        self.peers: dict = {}  # port name -> reference peer
        self.addresses: dict[str, tuple[str, int]] = {}  # port name -> where the student listens
        self._closers: list = []
        self._closed = False
        self._marked_outside = False
        become_subreaper()
        # The check's mark names the grader's process: its tests count what this grader left.
        self.workdir = Path(tempfile.mkdtemp(prefix=f"netgrader-{os.getpid()}-{exercise.id}-"))
        self.marker = f"NETGRADER_SANDBOX={self.workdir.name}"
        self.elsewhere = Path(f"{self.workdir}-elsewhere")  # the student's other folders (recreate.py)
        self.disk = None
        try:
            self.network = services.network()
            # the working directory's own file system where the view shows large files read-only
            # (elsewhere they are linked, which a file system of its own would not allow)
            self.disk = DiskQuota(self.workdir, enabled=self.confined)
            large = copy_submission(submission.folder, self.workdir)
            self._read_only = place_large(large, self.confined, shared)
            for source, target in large:
                self.warn("warn.large_file", path=str(target.relative_to(self.workdir)),
                          size=source.stat().st_size // (1024 * 1024))
            for fixture in exercise.fixtures:
                target = self.workdir / fixture
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)  # not a link to the grading's copy of a large file
                shutil.copyfile(exercise.fixture_dir / fixture, target)
            self._read_only = [(s, t) for s, t in self._read_only if str(t.relative_to(self.workdir)) not in exercise.fixtures]
            self._show_files_beside_nested_scripts()
            self.identity = identity.fresh()  # as root, the programs' own user, who owns their folders
            self.limits = CheckLimits(name=self.workdir.name, uid=self.identity.uid if self.identity else None)
            self.layout = recreate.plan([p.read_text("utf-8", "replace") for p in self.workdir.rglob("*.py")],
                                        self.workdir, {exercise.fixture_dir / f: p for f, p in exercise.stand_ins.items()},
                                        exercise.outputs, outside=self.confined)
            self._binds = recreate.lay_out(self.layout, self.workdir, self.elsewhere)
            for folder in (self.workdir, self.elsewhere):  # no one else reaches what they leave (a setuid file)
                if folder.exists():
                    folder.chmod(0o700)
            if self.identity:
                self.identity.own(self.workdir, self.elsewhere)
            self._initial_files = {p: p.lstat().st_mtime_ns for p in self._files()}
        except BaseException:
            if hasattr(self, "network"):
                self.network.close()
            if self.disk is not None:
                self.disk.close()
            untrusted.remove(self.workdir)
            untrusted.remove(self.elsewhere)
            self.on_close_last()
            raise
        self._addresses_added = False
        self.database: relay.Relay | None = None  # the relay to the exercise's database, once a program needs it
        self.database_errors: list[str] = []  # what the database answered with errors, in order

    def _show_files_beside_nested_scripts(self) -> None:
        """A script handed in inside a day's folder (作业/第13天/服务端.py) opens its own files by
        bare name (`open('words.txt')`): its folder was the working directory where the student
        ran it. Its programs run from the submission's top here (where the exercise's fixtures
        are and its outputs are looked for), so those files are shown there too, as links;
        never over a file of the top, a fixture, or an output a check expects."""
        for script in self.submission.files.values():
            if script.parent == Path("."):
                continue
            for path in sorted((self.workdir / script.parent).iterdir()):
                target = self.workdir / path.name
                if (path.is_file() and path.suffix != ".py" and not junk((path.name,)) and not target.exists()
                        and not target.is_symlink() and path.name not in self.exercise.outputs):
                    target.symlink_to(path.relative_to(self.workdir))

    # ---------------------------------------------------------------- transcript

    @contextlib.contextmanager
    def step(self, kind: str, **params):
        """Record one step; a CheckFailed raised inside marks it as the failed one."""
        record = StepRecord(kind=kind, params=params)
        self.steps.append(record)
        started = time.monotonic()
        try:
            yield record
        except CheckFailed:
            record.status = "failed"
            raise
        finally:
            record.elapsed = time.monotonic() - started

    def warn(self, key: str, **params) -> None:
        message = Message(key, params)
        if message not in self.warnings:
            self.warnings.append(message)

    # ---------------------------------------------------------------- processes

    def start_student(self, role: str, stdin=(), eof: bool = False) -> StudentProcess:
        """Start the student's script for `role` in the sandbox's directory and network."""
        script = self.submission.files.get(role)
        if script is None:
            raise CheckFailed(
                "missing_file",
                expected=self.exercise.files[role],
                found=", ".join(self.submission.found) or "-",
                role=role,
            )
        self._add_hardcoded_addresses()
        spy_config = {"mode": self.network.spy_mode}
        for name, peer in self.peers.items():  # the client's packets go to the grader's peer
            spy_config[self.exercise.ports[name].proto] = "%s:%d" % peer.address
        if self.exercise.database is not None and database.wanted_by(untrusted.text(self.submission.folder / script)):
            spy_config["services"] = f"{self.exercise.database.port}:{self._open_database()}"
        process = StudentProcess(
            role=role,
            script=script,
            launch=self._launch(script),
            cwd=self.workdir,
            env=self._student_env(),
            spy_config=spy_config,
            stopped_by=self.limits.stopped_by,
            exit_status=fsview.exit_status if self.confined else None,
            answers=[(re.compile(pattern), line) for pattern, line in self.exercise.prompts],
            encoding=self.exercise.encoding,
        )
        if role in self.processes:
            self.processes.pop(role).stop()
        process.start(stdin, eof)  # a program that could not start is no process of the check
        self.processes[role] = process
        return process

    def _open_database(self) -> int:
        """The exercise's database, reachable in this check's network: the port of its relay."""
        if self.database is None:
            server = self.services.database()
            server.prepare(self.exercise.database, self.exercise.fixture_dir)
            listener = relay.listen(self.network, self.network.peer_port(self.exercise.database.port))
            self.database = relay.Relay(listener, server.connect,
                                        on_reply=lambda data: self.database_errors.extend(database.errors_in(data)))
            self.on_close(lambda: server.end_sessions(self.exercise.database))
            self.on_close(self.database.close)
        return self.database.port

    @property
    def confined(self) -> bool:
        """The student's programs see a file system of their own (bubblewrap's or the fork server's)."""
        return bool(self.confinement)

    @property
    def confinement(self) -> str:
        return confinement(self.network)

    def _launch(self, script: Path):
        """How the student's script starts: under the check's limits, in the student's own view
        of the file system where bubblewrap can give one (the system, the Python it runs on and
        the spy, read-only, and its directory), put under the limits before it runs; from the
        fork server where it can make that view itself (grader/forkserver.py)."""
        argv = [student_python(), "-u", str(script)]
        if not self.confined:  # no view of its own; as root, still the check's user, not root
            user = self.identity.setpriv() if self.identity else []
            return Subprocess(self.network.launcher(self.limits.wrap([*user, *argv])))
        python = Path(argv[0])
        view = fsview.View(self.workdir, (Path(sys.base_prefix), python.parent.parent, python.resolve().parent.parent,
                                          SPY_DIR), tuple(self._binds), tuple(self._read_only), self.identity)

        def through_bubblewrap() -> Subprocess:
            if not fsview.available(self.network):  # never a weaker way: the check says why it did not run
                raise HarnessError(f"{script.name} cannot start in the fork server (a file beside it is named as a "
                                   "module the server has loaded, or the server is gone) and bubblewrap, its "
                                   "fallback, cannot run here: apt-get install bubblewrap")
            gate = fsview.Gate(self.limits.apply)
            return Subprocess(self.network.launcher(view.wrap(argv, gate)), gate)

        if forkserver.wanted(self.network):
            return forkserver.Launch(script, view, self.limits.apply, self.network, fallback=through_bubblewrap)
        return through_bubblewrap()

    def _student_env(self) -> dict:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir),
            "TMPDIR": str(self.workdir),
            **STUDENT_ENV,
            self.marker.partition("=")[0]: self.marker.partition("=")[2],
        }

    def _add_hardcoded_addresses(self) -> None:
        """Give the namespace every classroom address the student's code names, so that
        `bind(('172.40.91.185', 8888))` works here as it did in class."""
        if self._addresses_added or self.network.isolation != "netns":
            return
        self._addresses_added = True
        named = set()  # the server's address is usually named by the client too
        for path in self.workdir.rglob("*.py"):
            for match in IPV4.findall(path.read_bytes()):
                try:
                    address = ipaddress.IPv4Address(match.decode())
                except ValueError:
                    continue
                if not (address.is_loopback or address.is_unspecified or address.is_multicast):
                    named.add(address)
        for address in sorted(named)[:ADDRESSES_MAX]:  # a program's thousand literals cost the grader nothing
            self.network.add_address(str(address))

    def _files(self) -> list[Path]:
        return [p for folder in (self.workdir, self.elsewhere) for p in untrusted.files(folder)
                if "__pycache__" not in p.parts]

    def new_files(self) -> list[str]:
        """Files the student's programs wrote or changed, newest first, named as the program
        sees them: relative to its directory, or the recreated path elsewhere."""
        stamps = {}
        for path in self._files():
            try:
                stamps[path] = path.lstat().st_mtime_ns
            except OSError:
                continue
        changed = sorted((p for p, stamp in stamps.items() if self._initial_files.get(p) != stamp),
                         key=stamps.get, reverse=True)
        return [self.shown_path(self.seen_as(p)) for p in changed]

    def seen_as(self, host_path: Path) -> str:
        """Where the program sees a file of the sandbox."""
        if host_path.is_relative_to(self.elsewhere):
            return "/" + str(host_path.relative_to(self.elsewhere))
        return str(host_path)

    def shown_path(self, path: str) -> str:
        """A path the program used, as the student wrote it in open() (../day11/x.jpeg, or
        /tmp/new.jpg, not ../new.jpg); else relative to its directory when it is there."""
        for process in self.processes.values():
            for event in process.events_of("open"):
                if event.path == path and event.given:
                    return event.given
        relative = os.path.relpath(path, self.workdir)
        return relative if not relative.startswith("..") else path

    def marked(self, env: dict) -> dict:
        """`env` with this check's mark, for a process the grader starts outside the check's
        control group (the browser): whatever runs with it is found and killed at clean-up."""
        self._marked_outside = True
        name, _, value = self.marker.partition("=")
        return {**env, name: value}

    def on_close(self, closer) -> None:
        self._closers.append(closer)

    # ---------------------------------------------------------------- clean-up

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Daemons that left their process group: still in the namespace, the check's control
        # group, or carrying the mark. Looked for first too: a process that dies meanwhile
        # loses its mark but must still be reaped.
        seen = self._members()
        for process in self.processes.values():
            process.stop()
        for closer in reversed(self._closers):
            with contextlib.suppress(Exception):
                closer()
        # Until none is left: a fork bomb's children born while the last ones were killed.
        deadline = time.monotonic() + CLEAN_UP_WITHIN
        victims = seen | self._members()
        while victims and time.monotonic() < deadline:
            kill_and_reap(sorted(victims))
            victims = self._members()
        self.limits.close()
        self.network.close()
        self.disk.close()  # what the programs wrote there goes with the file system, however deep
        untrusted.remove(self.workdir)
        untrusted.remove(self.elsewhere)
        self.on_close_last()

    def _members(self) -> set[int]:
        """The check's processes still alive. Its control group holds every one the student
        started when bubblewrap keeps them from leaving it (no /sys in their view); else, or
        when the grader started something outside it, /proc is searched too (by network
        namespace and by mark), which costs a few milliseconds."""
        found = set(self.limits.members())
        if self._marked_outside or not (self.confined and "processes" in self.limits.contained):
            found |= set(self.network.member_pids()) | set(marked_processes(self.marker.encode()))
        return found

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
