"""The probe API a check is written against: start the student's scripts, talk to them over
the network, play the reference side, and expect things to happen within a time limit.

YAML steps (grader/steps.py) are one call each on this API, and a teacher's pytest check
uses it directly:

    def test_server_answers(probe):
        server = probe.start_student("server")
        server.expect_listening("dict", within=3)
        probe.udp("dict").send("hello").expect_reply(contains="int. 喂", within=2)
        server.expect_alive()

Every expectation waits for its event, never for a fixed time, and when it fails it raises
CheckFailed with the most specific cause it can prove: the server crashed with KeyError at
line 12, or it sent its reply to the wrong port, rather than just "no reply".
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from .clients import Clients, TcpClient, UdpClient
from .httpclient import HttpClient
from .errors import CheckFailed, HarnessError
from . import browser, database, files, sockets
from .expect import LOCAL_HOSTS, POLL_SECONDS, Expect, blocked_in_recv, explain, file_mismatch, lines_mismatch, lines_of, text_lines
from .peers import TcpPeer, UdpPeer, load_table
from .process import StudentProcess
from .results import Message
from .sandbox import Sandbox

SETTLED_POLLS = 3  # polls in a row a process must sleep to count as settled without a spy event


class Probe:
    """One check's view of its sandbox."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.clients = Clients(sandbox)

    @property
    def exercise(self):
        return self.sandbox.exercise

    def start_student(self, role: str, stdin=(), eof: bool = False) -> "Student":
        script = self.sandbox.submission.files.get(role) or Path(self.exercise.files[role])
        with self.sandbox.step("start", script=script.name, stdin=list(stdin), eof=eof) as record:
            process = self.sandbox.start_student(role, stdin, eof)
            record.note = Message("note.running", {"pid": process.pid})
        return Student(self, process)

    def student(self, role: str) -> "Student":
        process = self.sandbox.processes.get(role)
        if process is None:
            raise RuntimeError(f"no {role} was started in this check")
        return Student(self, process)

    def address(self, port_name: str) -> tuple[str, int]:
        """Where the student's server for this port listens."""
        return self.clients.address(port_name)

    def client(self, port_name: str, name: str = "a") -> UdpClient | TcpClient:
        """A grader-side client of the student's server, UDP or TCP as the port is; each name
        is its own socket (its own source port, its own connection)."""
        if name not in self.clients.by_name:
            kind = TcpClient if self.exercise.ports[port_name].proto == "tcp" else UdpClient
            self.clients.by_name[name] = kind(self.clients, port_name, name)
        return self.clients.by_name[name]

    udp = tcp = client  # read better in a teacher's Python check

    def http(self, port_name: str, name: str = "a") -> HttpClient:
        """A grader-side browser of the student's web server."""
        if name not in self.clients.by_name:
            self.clients.by_name[name] = HttpClient(self.clients, port_name, name)
        return self.clients.by_name[name]

    def expect_saved(self, path: str, client: str = "a", role: str = "server", within: float = 5.0) -> None:
        """The file `path` in the student's directory holds exactly what client `client`
        uploaded; on failure, say what is there instead."""
        wanted = self.existing_client(client).uploaded
        process = self.sandbox.processes.get(role)
        with self.sandbox.step("saved", path=path, size=len(wanted)) as record:
            got = files.wait_for(self.sandbox.workdir / path, wanted.__eq__, process, within, size=len(wanted))
            if got == wanted:
                record.note = Message("note.ok")
                return
            if files.spinning(process):
                raise CheckFailed("spins_on_eof", path=path, size=len(got or b""), expected_size=len(wanted))
            if got is None:
                raise files.missing(self.sandbox, process, path)
            kind, params = file_mismatch(path, got, wanted)
            if kind == "file_incomplete":  # a crash or an exit explains a short file best
                raise explain(process, kind, exited_kind=kind, **params)
            raise CheckFailed(kind, **params)

    def expect_file_lines(self, path: str, equals: list[str], marker: str | None = None, waiting: bool = False,
                          role: str = "server", within: float = 3.0) -> None:
        """The text file `path` holds the lines `equals`, read as a teacher reads them (blank
        lines and runs of spaces do not matter). `marker`: the end-of-data line, which must not
        be written. `waiting`: the client still keeps its connection open, so a short file means
        the program did not stop reading at the marker."""
        wanted = text_lines("\n".join(equals))
        process = self.sandbox.processes.get(role)
        with self.sandbox.step("file_lines", path=path, expected=list(equals)) as record:
            def written():  # the file once right, or once the program can write no more
                got = files.wait_for(self.sandbox.workdir / path, lambda data: lines_of(data) == wanted, process, within)
                lines = lines_of(got or b"")
                return got, lines, lines_mismatch(wanted, lines, marker, written=True)

            got, lines, kind = written()
            if kind is not None and waiting and marker and self._end_marker_line(marker, role):
                got, lines, kind = written()
                if kind is None:
                    self.sandbox.warn("warn.marker_newline", script=process.script.name, marker=marker.encode())
            if kind is None:
                record.note = Message("note.ok")
                return
            if files.spinning(process):
                raise CheckFailed("spins_on_eof", path=path, size=len(got or b""), expected_size=len("\n".join(equals).encode()))
            still_reading = waiting and process is not None and process.running
            if kind == "records_missing" and still_reading:
                kind = "ignores_marker"
            elif got is None:
                raise files.missing(self.sandbox, process, path)
            blank = bool(got) and not lines  # line ends without their text: each recv() split on its own
            shown = lines or Message("note.file_blank" if blank else "note.file_empty", {"count": (got or b"").count(b"\n")})
            params = dict(where=path, path=path, expected=wanted, actual=shown, count=len(lines),
                          expected_count=len(wanted), marker=(marker or "").encode(), within=within,
                          **({"variant": "blank"} if blank else {}))
            if kind == "records_missing":  # a crash or an exit explains a short file best
                raise explain(process, kind, exited_kind=kind, **params)
            raise CheckFailed(kind, **params)

    def _end_marker_line(self, marker: str, role: str) -> bool:
        """A server that reads lines takes the end marker for one more line and waits for its
        newline (its own client sends '#\\n'): that follows the one-record-per-line protocol.
        Send the newline after each bare marker still unanswered; True if one was sent."""
        process = self.sandbox.processes.get(role)
        if process is None or not process.running:
            return False
        ended = [client for client in self.clients.connected_to(process)
                 if client.last_sent.rstrip(b" ").endswith(marker.encode())]
        for client in ended:
            client.send(b"\n")
        return bool(ended)

    def expect_browser_shows_image(self, port_name: str, path: str = "/", within: float = 10.0) -> None:
        """A real browser opened on the server's URL, as the student would type it, shows a
        picture (a wrong Content-Type shows text; a broken body draws nothing)."""
        host, port = self.address(port_name)
        url = f"http://{host}:{port}{path}"
        process = self.clients.server_of(port_name)
        with self.sandbox.step("browser", url=url) as record:
            executable = browser.find_chromium()
            if executable is None:
                raise HarnessError("no Chromium to open the page (apt-get install chromium)")
            relay = browser.relay_to(self.sandbox.network, (host, port))
            try:
                env = self.sandbox.marked(dict(os.environ))
                with browser.Browser(self.sandbox.network.wrap, executable, env) as chromium:
                    seen = chromium.look(f"http://127.0.0.1:{relay.port}{path}", within)
            except browser.BrowserError as exc:
                raise HarnessError(f"the browser failed: {exc}") from None
            finally:
                relay.close()
            if seen.get("error"):
                raise explain(process, "browser_error", exited_kind="browser_error", url=url, error=seen["error"])
            if seen.get("loading"):
                raise CheckFailed("browser_loading", url=url, within=within)
            if seen["width"] < 0:  # a server that crashed mid-answer is explained by its crash
                raise explain(process, "browser_not_image", exited_kind="browser_not_image", url=url, type=seen["type"],
                              text=seen["text"])
            if seen["width"] == 0:
                raise explain(process, "browser_broken_image", exited_kind="browser_broken_image", url=url,
                              type=seen["type"])
            record.note = Message("note.picture", {"width": seen["width"]})

    def existing_client(self, name: str = "a") -> UdpClient | TcpClient:
        """The client called `name` that already sent something."""
        if name not in self.clients.by_name:
            raise RuntimeError(f"no client {name!r} has sent anything yet in this check")
        return self.clients.by_name[name]

    def peer(self, port_name: str, reply: str = "echo", text=None, file=None, missing="not found", silent_on=(),
             table=None):
        """A reference server the student's client talks to."""
        port = self.exercise.ports[port_name]
        table = dict(table or {})
        if reply == "lookup":
            table = load_table(self.sandbox.workdir / file if (self.sandbox.workdir / file).exists() else self.exercise.fixture_dir / file)
        with self.sandbox.step("peer", proto=port.proto, port=port.port, reply=Message(f"peer.{reply}")) as record:
            kind = TcpPeer if port.proto == "tcp" else UdpPeer
            peer = kind(self.sandbox, port_name, reply, text, table, missing, tuple(silent_on))
            record.note = Message("note.peer", {"address": f"{peer.address[0]}:{peer.address[1]}"})
        self.sandbox.peers[port_name] = peer
        return peer

    def finish(self, failed: bool = False) -> None:
        """Warn about what the grader fixed for the student: hard-coded destinations a client
        used that it redirected, a classroom's database, and files outside the working
        directory (recreate.py); in a failed check, also what the database answered with errors
        that the program hid (an `except: pass` around a query to a table it lacks)."""
        self._warn_recreated()
        self._warn_database(failed)
        for name, port in self.exercise.ports.items():
            if name not in self.sandbox.peers:
                continue
            for process in self.sandbox.processes.values():
                for event in process.events_of("sendto", "connect"):
                    if event.proto != port.proto:
                        continue
                    host, number = event.requested[:2]
                    if number != port.port:
                        self.sandbox.warn("warn.client_other_port", script=process.script.name,
                                          expected=port.port, actual=number)
                    if port.host is not None and host != port.host:
                        self.sandbox.warn("warn.client_other_host", script=process.script.name, address=host,
                                          expected=port.host)
                    elif port.host is None and host not in LOCAL_HOSTS:
                        self.sandbox.warn("warn.client_address", script=process.script.name, address=host)

    def _warn_database(self, failed: bool) -> None:
        for process in self.sandbox.processes.values():
            users = process.events_of("service")
            for event in users:
                if event.requested[0] not in LOCAL_HOSTS:
                    self.sandbox.warn("warn.database_host", script=process.script.name, address=event.requested[0])
            shown = process.stderr.text()
            hidden = [e for e in self.sandbox.database_errors if e.split(") ", 1)[-1] not in shown]
            if failed and users and hidden:  # the first: the others usually follow from it
                self.sandbox.warn("warn.database_error", script=process.script.name, error=hidden[0])

    def _warn_recreated(self) -> None:
        layout, workdir = self.sandbox.layout, self.sandbox.workdir
        for process in self.sandbox.processes.values():
            for event in process.events_of("open"):
                path = event.path
                if path in layout.files and not event.write:
                    self.sandbox.warn("warn.stand_in", script=process.script.name, path=layout.shown[path],
                                      fixture=layout.files[path].name)
                elif event.write and not Path(path).is_relative_to(workdir):
                    self.sandbox.warn("warn.wrote_outside", script=process.script.name,
                                      path=self.sandbox.shown_path(path))

    def close(self) -> None:
        self.sandbox.close()


class Student:
    """Expectations about one of the student's running scripts."""

    def __init__(self, probe: Probe, process: StudentProcess):
        self.probe = probe
        self.process = process
        self.sandbox = probe.sandbox
        self._idle_polls = 0

    def expect_listening(self, port_name: str, within: float = 3.0) -> tuple[str, int]:
        port = self.probe.exercise.ports[port_name]
        process = self.process
        wanted = "bind" if port.proto == "udp" else "listen"

        confirmed = set()  # the events the kernel agreed with (grader/sockets.py): a spy's line is only a hint

        def ready():
            found = []
            for e in process.events:
                if e.kind == wanted and e.proto == port.proto and e.bound is not None:
                    if id(e) not in confirmed and sockets.held((process.pid, *process.descendants()), port.proto, e.bound[1]):
                        confirmed.add(id(e))
                    if id(e) in confirmed:
                        found.append(e)
            return found

        def requested(event):  # the address the program asked for (loopback mode moves it)
            return next((e.requested for e in process.events_of("bind") if e.bound == event.bound), event.bound)

        def on_handout_port():
            return [e for e in ready() if requested(e)[1] == port.port]

        with self.sandbox.step("listening", proto=port.proto, port=port.port, script=process.script.name) as record:
            deadline = time.monotonic() + within
            process.wait_until(lambda: ready() or not process.running, within)
            if ready() and not on_handout_port():
                # Another port first: a program may open a helper socket before its server
                # socket. Once it waits on a socket, every socket it opens before serving is open.
                process.wait_until(lambda: on_handout_port() or not process.running or self.settled(),
                                   max(0.0, deadline - time.monotonic()), poll=POLL_SECONDS)
                if not on_handout_port() and not process.running:  # it ended before it settled down
                    raise explain(process, "not_listening", proto=port.proto, port=port.port, within=within,
                                  others=", ".join(f"{e.proto} {e.bound[1]}" for e in ready()))
            found = on_handout_port() or ready()
            if not found:
                others = [f"{e.proto} {e.bound[1]}" for e in process.events_of("bind", "listen")]
                failure = explain(process, "not_listening", proto=port.proto, port=port.port, within=within,
                                  others=", ".join(others) or Message("word.none"), prompt=self._prompt())
                raise failure
            event = found[0]
            bound = event.bound
            requested = requested(event)
            if requested[1] != port.port:
                if port.strict:
                    raise CheckFailed("wrong_port", proto=port.proto, expected=port.port, actual=requested[1])
                self.sandbox.warn("warn.other_port", proto=port.proto, expected=port.port, actual=requested[1])
            if requested[0] not in LOCAL_HOSTS:
                self.sandbox.warn("warn.lan_bind", address=requested[0], port=requested[1])
            host = bound[0] if bound[0] not in ("0.0.0.0", "::", "") else "127.0.0.1"
            address = (host, bound[1])
            self.sandbox.addresses[port_name] = address
            self.probe.clients.listeners[port_name] = process
            record.note = Message("note.after", {"secs": round(event.t - process.started_at, 3), "port": bound[1]})
        return address

    def _prompt(self):
        return self.process.last_prompt if self.process.waiting_for_input else None

    def expect_alive(self, within: float = 2.0) -> None:
        """Still running, without an uncaught exception, and settled: waiting, not spinning."""
        process = self.process
        with self.sandbox.step("alive", script=process.script.name) as record:
            settled = process.settle(within, poll=POLL_SECONDS)
            process.sync_events()
            if not process.running or process.events_of("exception"):
                raise explain(process, "exited", since=0.0)
            if files.spinning(process):
                raise CheckFailed("spins_after_hang_up", script=process.script.name)
            if not settled:
                raise CheckFailed("busy_loop", script=process.script.name, within=within)
            record.note = Message("note.ok")

    def expect_closes_database(self, within: float = 2.0) -> None:
        """Every connection the program opened to the exercise's database was closed with
        close(), but one it may keep for its whole run: a connection per query left open fills
        the server (MySQL lets 151 be open). Nothing to judge in a program without a database."""
        process, relay = self.process, self.sandbox.database
        with self.sandbox.step("closes_database", script=process.script.name) as record:
            if relay is None:
                record.note = Message("note.no_database")
                return
            process.settle(within, poll=POLL_SECONDS)  # its close() calls are made: their bytes are sent
            relay.sync()
            left_open = [link for link in relay.links if not database.said_goodbye(link)]
            if len(left_open) > 1:
                raise CheckFailed("database_left_open", script=process.script.name, opened=len(relay.links),
                                  left_open=len(left_open))
            record.note = Message("note.database_connections", {"opened": len(relay.links)})

    def settled(self) -> bool:
        """The program waits to receive (the spy saw it), or has slept for SETTLED_POLLS polls in a
        row (a program that waits in select/epoll, as asyncio does)."""
        if self.process.events_of("wait"):
            return True
        self._idle_polls = self._idle_polls + 1 if self.process.idle() else 0
        return self._idle_polls >= SETTLED_POLLS

    def expect_exit(self, code: int | None = 0, within: float = 3.0) -> None:
        kind = "exit" if code is not None else "exit_any"
        with self.sandbox.step(kind, script=self.process.script.name, code=code) as record:
            if not self.process.wait_exit(within):
                raise CheckFailed("did_not_exit", script=self.process.script.name, within=within, prompt=self._prompt(),
                                  waiting_recv=blocked_in_recv(self.process))
            if code is not None and self.process.returncode != code:
                raise explain(self.process, "wrong_exit_status", exited_kind="wrong_exit_status", expected=code)
            record.note = Message("note.exited", {"status": self.process.returncode})

    def expect_stdout(self, contains=None, matches: str | None = None, means=None, within: float = 3.0) -> None:
        """The program prints, as a teacher reads it (see Expect), what `contains` names."""
        expect = Expect(contains=contains, matches=matches, means=means)
        process = self.process
        with self.sandbox.step("stdout", script=process.script.name, **expect.params()) as record:
            def seen():  # printed in GBK (sys.stdout set to gbk, a Windows console habit) is still printed
                return expect.test(process.stdout.text()) or expect.test(process.stdout.text("gbk"))

            process.wait_until(lambda: seen() or not process.running, within)
            if seen() and not expect.test(process.stdout.text()):
                self.sandbox.warn("warn.stdout_gbk", script=process.script.name)
            if not seen():
                shown = process.stdout.text().strip().splitlines()[-5:]
                raise explain(process, "wrong_output", expected=expect.params()["value"], how=expect.params()["how"],
                              actual=" | ".join(shown) or "", within=within)
            self._printed_what_it_received(contains)
            record.note = Message("note.ok")

    def _printed_what_it_received(self, contains) -> None:
        """What a client printed of a reference server's answers counts only if that server sent
        it (the wire's word, not the program's): printing the YAML's reply with no socket earns nothing."""
        texts = [contains] if isinstance(contains, str) else list(contains or ())
        for peer in self.sandbox.peers.values():
            for text in texts:
                if peer.could_say(text) and not peer.said(text):
                    raise CheckFailed("printed_unreceived", expected=text, script=self.process.script.name,
                                      role=self.process.role)

    def type(self, line: str) -> None:
        with self.sandbox.step("type", script=self.process.script.name, line=line):
            self.process.type(line)
