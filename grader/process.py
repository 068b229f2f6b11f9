"""Start a student's script, talk to it, watch it, and stop it with everything it started.

One thread per process waits on its stdout, stderr, spy events and exit (a pidfd) with a
selector, so every wait in the grader is a wait for an event under one condition variable:
`wait_until(lambda: ...)` returns the moment the bind, the text or the exit happens.

Standard input is typed the way a person would: a line is written only when the program
asks for one (the spy reports each `input()`), so prompts without a newline work, for
servers too, and the transcript shows what was typed at which prompt.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .events import Event, parse as parse_event
from .proctree import descendants, kill_and_reap, reap_orphans
from .student_python import SPY_DIR

OUTPUT_CAP = 256 * 1024  # bytes kept per stream: its head and its tail, half each
MAX_EVENT = 4096  # bytes of one event line: the spy's are far shorter; a longer one is not parsed
MAX_EVENT_BYTES = 2 * 1024 * 1024  # bytes read from the spy's pipe per process: parsing is the grader's time
# event lines read per process: the spy's budgets stay far below; a program writing its own into
# the pipe is not read further (the grader's memory and time are not the program's to spend)
MAX_EVENTS = 5000
PF_EXITING = 0x4  # a task's flag (/proc/PID/stat, field 9) from the moment it starts to exit


class Output:
    """A captured stream with a bounded memory: the first and last OUTPUT_CAP/2 bytes."""

    def __init__(self, cap: int = OUTPUT_CAP):
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0
        self._half = cap // 2

    def add(self, data: bytes) -> None:
        room = self._half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            excess = len(self.tail) - self._half
            if excess > 0:
                del self.tail[:excess]
                self.dropped += excess

    @property
    def size(self) -> int:
        return len(self.head) + len(self.tail) + self.dropped

    def text(self, encoding: str = "utf-8") -> str:
        """What was kept, decoded; a gap marks bytes that were dropped."""
        gap = f"\n[... {self.dropped} bytes cut ...]\n" if self.dropped else ""
        return self.head.decode(encoding, "replace") + gap + self.tail.decode(encoding, "replace")


@dataclass
class Typed:
    """One line the grader typed, and the prompt the program showed when it asked."""

    line: str
    prompt: str | None


WRAPPERS = ("bwrap", "prlimit", "sh", "nsenter", "unshare", "setpriv", "netgrader-init")  # what runs around a student's program


class Subprocess:
    """How a program starts by default: `argv` as the grader's child, born in the check's
    network (`born_in`, a context: network.launcher's), and behind bubblewrap's gate, which
    opens once the sandbox is under the check's limits (grader/fsview.py). The other way is
    grader/forkserver.py's Launch; both give `start(env, cwd, events_fd)` -> a Popen."""

    def __init__(self, launcher, gate=None):
        (self._argv, self._born_in), self._gate = launcher, gate
        self.confinement = "bubblewrap" if gate else "none"  # what the report names as confining it

    def start(self, env: dict, cwd: Path, events_fd: int) -> subprocess.Popen:
        try:
            with self._born_in:
                process = subprocess.Popen(
                    self._argv, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, pass_fds=(events_fd, *(self._gate.fds if self._gate else ())),
                    start_new_session=True, bufsize=0)
        except BaseException:
            if self._gate:
                self._gate.close()
            raise
        if self._gate:
            self._gate.open(process)
        return process


class StudentProcess:
    """A running student script; create with `start()`, end with `stop()` (always)."""

    def __init__(self, role: str, script: Path, launch, cwd: Path, env: dict, spy_config: dict,
                 stopped_by=lambda returncode: None, exit_status=None, answers=(), encoding: str = "utf-8"):
        self.role = role
        self.script = script
        self.cwd = cwd
        self.stdout = Output()
        self.stderr = Output()
        self.events: list[Event] = []
        self.typed: list[Typed] = []
        self.returncode: int | None = None
        self.started_at = 0.0
        self.waiting_for_input = False
        self.last_prompt: str | None = None
        self._launch = launch  # Subprocess, or forkserver.Launch: starts it in the check's sandbox
        self._cwd, self._env, self._spy_config = cwd, env, spy_config
        self._pending: list[str] = []
        self._partial_event = b""
        self._event_lines = 0  # lines read from the spy's pipe, at most MAX_EVENTS
        self._event_bytes = 0  # bytes read from it, at most MAX_EVENT_BYTES
        self._stdout_at_last_line = 0
        self._close_stdin_at_end = False
        self.changed = threading.Condition()
        self._events_lock = threading.Lock()  # one reader of the events pipe at a time, in order
        self._stopped_by = stopped_by  # returncode -> the limit that ended it (a Message), or None
        self._exit_status = exit_status or (lambda code: code)  # a wrapper's status -> Popen's (-N: signal N)
        self._answers = tuple(answers)  # (compiled pattern, line): prompts the grader answers itself
        self.encoding = encoding  # of the text the grader's side sends it (gbk for a Windows tool)

    # ---------------------------------------------------------------- life cycle

    def start(self, stdin_lines=(), eof: bool = False) -> "StudentProcess":
        self._pending = list(stdin_lines)
        self._close_stdin_at_end = eof
        events_read, events_write = os.pipe()
        env = dict(self._env)
        config = {**self._spy_config, "fd": events_write}
        env["NETGRADER_SPY"] = " ".join(f"{key}={value}" for key, value in config.items())
        env["PYTHONPATH"] = str(SPY_DIR)
        try:
            self._popen = self._launch.start(env, self._cwd, events_write)
        except BaseException:
            os.close(events_read)
            raise
        finally:
            os.close(events_write)
        self.started_at = time.monotonic()
        self.confinement = getattr(self._launch, "confinement", "")  # the fork server, bubblewrap or none
        self.pid = self._popen.pid
        try:  # its own (a Popen's new session), or the fork server's setup's, which has ended
            self.group = os.getpgid(self.pid)
        except ProcessLookupError:
            self.group = self.pid
        self._events = os.fdopen(events_read, "rb", buffering=0)
        os.set_blocking(events_read, False)
        os.set_blocking(self._popen.stdout.fileno(), False)
        # Typed lines never block the grader: a program that shrinks its pipe and never reads
        # (while it forges `input` events) loses what does not fit, the grader waits on nothing.
        os.set_blocking(self._popen.stdin.fileno(), False)
        self._pidfd = os.pidfd_open(self.pid)
        self._thread = threading.Thread(target=self._pump, name=f"pump-{self.role}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Kill the process, its process group and every descendant, then reap them all: a
        child it never waited for is handed to us when it dies, and is reaped here too."""
        victims = []
        if self.returncode is None:
            victims = self.descendants()
            try:
                os.killpg(self.group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._popen.wait()
        kill_and_reap(victims)
        reap_orphans(self.group)
        self._thread.join(timeout=5)
        for stream in (self._popen.stdin, self._popen.stdout, self._popen.stderr, self._events):
            try:
                stream.close()
            except OSError:
                pass
        try:
            os.close(self._pidfd)
        except OSError:
            pass

    def descendants(self) -> list[int]:
        return descendants(self.pid)

    # ---------------------------------------------------------------- talking to it

    def type(self, line: str) -> None:
        """Type a line; it is written when the program next asks for input."""
        with self.changed:
            self._pending.append(line)
            if self.waiting_for_input:
                self._feed_locked()

    def _answer(self) -> str | None:
        """The line the exercise declares for the prompt now shown (`input('input server ip:')`
        gets 127.0.0.1), or None: the check's own lines are typed then."""
        for pattern, line in self._answers:
            if self.last_prompt and pattern.search(self.last_prompt):
                return line
        return None

    def _feed_locked(self, answer_prompt: bool = True) -> None:
        """Type what this read asks for: the prompt's own answer (`answer_prompt`), else the
        check's next line, else end of input where the check says so."""
        stdin = self._popen.stdin
        try:
            answer = self._answer() if answer_prompt and not stdin.closed else None
            if answer is not None:
                if answer in self._pending:  # the check listed it for a program whose prompts say nothing:
                    self._pending.remove(answer)  # typed where it is asked for, not again elsewhere
                self.typed.append(Typed(answer, self.last_prompt))
                self._stdout_at_last_line = self.stdout.size
                stdin.write((answer + "\n").encode("utf-8"))
                self.waiting_for_input = False
            elif self._pending:
                line = self._pending.pop(0)
                self.typed.append(Typed(line, self.last_prompt))
                self._stdout_at_last_line = self.stdout.size
                stdin.write((line + "\n").encode("utf-8"))
                self.waiting_for_input = False
            elif self._close_stdin_at_end and not stdin.closed:
                stdin.close()
                self.typed.append(Typed("<EOF>", self.last_prompt))
                self.waiting_for_input = False
        except (BrokenPipeError, ValueError, OSError):
            pass

    # ---------------------------------------------------------------- watching it

    def limit_hit(self):
        """The resource limit that ended the program, if one did."""
        return None if self.returncode is None else self._stopped_by(self.returncode)

    @property
    def pending_lines(self) -> list[str]:
        """The lines the check still has to type: the program has not asked for them."""
        with self.changed:
            return list(self._pending)

    @property
    def running(self) -> bool:
        return self.returncode is None

    def wait_until(self, predicate, timeout: float, poll: float | None = None) -> bool:
        """Block until predicate() is true or timeout passes. It is re-checked at every change
        of the process, and every `poll` seconds for conditions read from outside (/proc)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(min(remaining, poll) if poll else remaining)
            return True

    def settle(self, timeout: float, poll: float) -> bool:
        """Wait until the program has ended or sleeps (waits for input or the network), which
        is when what it did so far can be judged; False if it is still busy after `timeout`."""
        return self.wait_until(lambda: not self.running or self.idle(), timeout, poll=poll)

    def wait_exit(self, timeout: float) -> bool:
        return self.wait_until(lambda: self.returncode is not None, timeout)

    def idle(self) -> bool:
        """True when every thread of the process and of its children sleeps (waits for input or
        the network): a server that forks a child per client is idle only when they all are.
        The process itself is not idle as a zombie (it is ending: wait for its exit status); a
        child the program never reaped is."""
        program_seen = False
        for pid in (self.pid, *self.descendants()):
            sleeping = ("S", "D", "t", "T") if pid == self.pid else ("S", "D", "t", "T", "Z")
            state = None  # no task read: the process is gone as it was looked at
            try:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    state, *fields = (task / "stat").read_text().rsplit(")", 1)[1].split()[:7]
                    if state not in sleeping or (state != "Z" and int(fields[5]) & PF_EXITING):
                        return False  # busy, or ending: a task may sleep in the kernel as it exits
                if not program_seen and state not in (None, "Z"):
                    program_seen = Path(f"/proc/{pid}/comm").read_text().strip() not in WRAPPERS
            except OSError:
                continue  # gone: not busy
        return program_seen  # only wrappers left: the program ended and they are closing, not idle

    def sync_events(self) -> bool:
        """Take in every event the program has written so far, without blocking; False once
        the pipe is closed. The pump thread calls it when events arrive; a check calls it
        before it judges, so an exception raised just before the program went idle is seen."""
        with self._events_lock:
            while True:
                try:
                    data = os.read(self._events.fileno(), 65536)
                except BlockingIOError:
                    return True
                except (OSError, ValueError):
                    return False
                if not data:
                    return False
                self._parse_events(data)

    def events_of(self, *kinds: str) -> list[dict]:
        with self.changed:
            return [e for e in self.events if e.kind in kinds]

    @property
    def exception(self) -> Event | None:
        """The last uncaught exception the spy reported, if any."""
        found = self.events_of("exception")
        return found[-1] if found else None

    def describe(self) -> str:
        state = f"exited with status {self.returncode}" if self.returncode is not None else "running"
        return f"<StudentProcess {self.script.name} pid={self.pid} {state}>"

    __repr__ = describe

    def _pump(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._popen.stdout, selectors.EVENT_READ, self.stdout)
        selector.register(self._popen.stderr, selectors.EVENT_READ, self.stderr)
        selector.register(self._events, selectors.EVENT_READ, "events")
        selector.register(self._pidfd, selectors.EVENT_READ, "exit")
        open_streams = 3
        while open_streams or self.returncode is None:
            for key, _ in selector.select():
                if key.data == "exit":
                    selector.unregister(key.fileobj)
                    code = self._exit_status(self._popen.wait())
                    # Output and events written just before the exit are read first.
                    self._drain(selector)
                    with self.changed:
                        self.returncode = code
                        self.changed.notify_all()
                    if open_streams:
                        # A child may still hold the pipes; do not wait for it forever.
                        selector.close()
                        return
                    continue
                if key.data == "events":
                    if not self.sync_events():
                        selector.unregister(key.fileobj)
                        open_streams -= 1
                    continue
                try:
                    data = os.read(key.fileobj.fileno(), 65536)
                except BlockingIOError:
                    continue  # already read when a prompt was looked for
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                self._take(key.data, data)
        selector.close()

    def _take(self, destination: Output, data: bytes) -> None:
        """Bytes read from an output stream, kept (up to the cap) for the report."""
        with self.changed:
            destination.add(data)
            self.changed.notify_all()

    def _drain(self, selector) -> None:
        """Read whatever is already buffered in the pipes, without blocking."""
        for key in list(selector.get_map().values()):
            if key.data == "exit":
                continue
            if key.data == "events":
                self.sync_events()
                continue
            os.set_blocking(key.fileobj.fileno(), False)
            while True:
                try:
                    data = os.read(key.fileobj.fileno(), 65536)
                except (BlockingIOError, OSError):
                    break
                if not data:
                    break
                self._take(key.data, data)

    def _prompt(self) -> str | None:
        """What the program printed since its last newline: the prompt input() showed. The
        prompt was written before the event, so it is already in the pipe: read it first."""
        self._read_available(self._popen.stdout, self.stdout)
        fresh = self.stdout.size - self._stdout_at_last_line  # typed lines are not echoed
        kept = bytes(self.stdout.head + self.stdout.tail)
        recent = kept[len(kept) - min(fresh, len(kept), 200):] if fresh > 0 else b""
        prompt = recent.rsplit(b"\n", 1)[-1]
        return prompt.decode("utf-8", "replace") or None

    def _read_available(self, stream, output: Output) -> None:
        try:
            while True:
                data = os.read(stream.fileno(), 65536)
                if not data:
                    return
                output.add(data)
        except (BlockingIOError, OSError, ValueError):
            return

    def _parse_events(self, data: bytes) -> None:
        self._event_bytes += len(data)
        if self._event_bytes > MAX_EVENT_BYTES:
            return  # a program writing its own into the pipe: not read further
        *lines, self._partial_event = (self._partial_event + data).split(b"\n")
        self._partial_event = self._partial_event[-MAX_EVENT:]  # garbage without newlines
        with self.changed:
            lines = [line for line in lines[:max(0, MAX_EVENTS - self._event_lines)] if len(line) <= MAX_EVENT]
            self._event_lines += len(lines)
            for line in lines:
                event = parse_event(line)
                if event is None:
                    continue
                self.events.append(event)
                if event.kind == "input":
                    # After end of input a read returns at once: the program is not waiting.
                    self.waiting_for_input = not self._popen.stdin.closed
                    self.last_prompt = self._prompt()
                    self._feed_locked()
                    while event.all and (self._pending or self._close_stdin_at_end) and not self._popen.stdin.closed:
                        # sys.stdin.read(): everything, then end of input; its prompt answered once
                        typed = len(self.typed)
                        self._feed_locked(answer_prompt=False)
                        if len(self.typed) == typed:
                            break  # nothing more to type (a pipe that refused it): never spin
            self.changed.notify_all()


