"""A real browser, for checks that ask what the student would see: Debian's headless Chromium,
opened on the student's URL inside the check's network, asked over the DevTools protocol what
the page shows.

Why this way: the protocol runs on a pipe (`--remote-debugging-pipe`: JSON messages ended by a
NUL byte, written to the browser's fd 3 and read from its fd 4), so no driver, no websocket
library and no debugging port are needed, and the browser needs no network beyond the one the
student's server is in. The page is the student's, so the browser runs like their programs:
in the check's namespace, its own session, killed and reaped with everything else.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from . import identity
from .proctree import descendants, kill_and_reap, marked_processes
from .relay import Relay, listen

FLAGS = (
    "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--metrics-recording-only", "--mute-audio",
    "--remote-debugging-pipe",
)
# What the page shows, once it has loaded: its type, and its first picture's size.
LOOK = """new Promise(resolve => {
  const report = () => {
    const img = document.images[0];
    resolve(JSON.stringify({type: document.contentType, width: img ? img.naturalWidth : -1,
                            text: document.body ? document.body.innerText.slice(0, 200) : ""}));
  };
  if (document.readyState === "complete") report(); else addEventListener("load", report);
})"""


def find_chromium() -> str | None:
    """Debian's Chromium (or NETGRADER_CHROMIUM), or None where there is none."""
    chosen = os.environ.get("NETGRADER_CHROMIUM")
    if chosen:
        return shutil.which(chosen)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def above_nine(fd: int) -> int:
    """The same pipe end on a descriptor number above 9 (the old number is closed)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def relay_to(network, target: tuple[str, int]) -> Relay:
    """A relay in the check's network that hands the student's server, at `target`, only the
    browser's connections that carry a request (see grader/relay.py for why)."""

    def connect():
        upstream = network.socket(socket.AF_INET, socket.SOCK_STREAM)
        upstream.settimeout(3)
        try:
            upstream.connect(target)
        except OSError:
            upstream.close()
            raise
        return upstream

    return Relay(listen(network, 0), connect, wait_for_data=True)


class BrowserError(Exception):
    """The browser did not start or stopped answering; not the student's fault."""


class Browser:
    """One headless Chromium; `wrap` puts its command inside the check's network, and `env`
    carries the check's mark, so clean-up finds every process it forks."""

    def __init__(self, wrap, executable: str, env: dict):
        """Where the grader is root it runs as a user of its own (grader/identity.py): never
        root, and so with Chromium's own sandbox on. Its profile, downloads and temporary files
        are all in one folder of its own, removed with it."""
        user = identity.fresh()
        self._profile = tempfile.mkdtemp(prefix="netgrader-chromium-", dir=identity.passable_tmp())
        self._mark = f"NETGRADER_BROWSER={os.path.basename(self._profile)}"  # finds helpers that left its tree
        env = {**env, "NETGRADER_BROWSER": os.path.basename(self._profile), "TMPDIR": self._profile,
               "HOME": self._profile, "XDG_CONFIG_HOME": self._profile, "XDG_CACHE_HOME": self._profile}
        if user is not None:
            user.own(Path(self._profile))
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The protocol wants fds 3 and 4 exactly: bash moves the pipes there, from fds
        # above 9 so that moving one never closes the other.
        to_browser_r, from_browser_w = (above_nine(fd) for fd in (to_browser_r, from_browser_w))
        redirect = f'exec "$@" 3<&{to_browser_r} 4>&{from_browser_w} {to_browser_r}<&- {from_browser_w}>&-'
        argv = ["bash", "-c", redirect, "bash", *(user.setpriv() if user else ()), executable, *FLAGS,
                f"--user-data-dir={self._profile}", "about:blank"]
        try:
            self._process = subprocess.Popen(
                wrap(argv), env=env, pass_fds=(to_browser_r, from_browser_w), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            self.close()
            raise BrowserError(f"cannot start {executable}: {exc}") from None
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict] = []

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except OSError as exc:
            raise BrowserError(f"the browser stopped: {exc}") from None
        return self._next_id

    def _receive(self, deadline: float) -> dict | None:
        """The browser's next message, or None when time runs out."""
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self._from_browser], [], [], remaining)
            if ready:
                data = os.read(self._from_browser, 65536)
                if not data:  # Chromium's own sandbox needs user namespaces: `grader doctor` says if they are allowed
                    raise BrowserError("the browser closed its pipe (its sandbox needs user namespaces: see `grader doctor`)")
                self._buffer += data
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None, within: float = 10.0):
        """Send a command and return its result (events that arrive meanwhile are kept)."""
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + within
        while True:
            message = self._receive(deadline)
            if message is None:
                return None
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self._events.append(message)

    def wait_event(self, method: str, within: float) -> dict | None:
        deadline = time.monotonic() + within
        while True:
            found = next((e for e in self._events if e.get("method") == method), None)
            if found is not None:
                self._events.remove(found)
                return found
            message = self._receive(deadline)
            if message is None:
                return None
            self._events.append(message)

    def look(self, url: str, within: float) -> dict:
        """Open `url` in a new tab as a person would and say what it shows:
        {"error": "net::ERR_..."} when it cannot be opened, {"loading": True} when it has not
        finished within `within`, else {"type": ..., "width": ..., "text": ...}."""
        started = time.monotonic()
        target = self.call("Target.createTarget", {"url": "about:blank"}, within=within)
        if target is None:
            raise BrowserError("the browser did not start in time")
        attached = self.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
        session = attached["sessionId"]
        self.call("Page.enable", session=session)
        remaining = lambda: max(0.1, within - (time.monotonic() - started))  # noqa: E731
        navigated = self.call("Page.navigate", {"url": url}, session=session, within=remaining())
        if navigated is None:
            return {"loading": True}
        if navigated.get("errorText"):
            return {"error": navigated["errorText"]}
        if self.wait_event("Page.loadEventFired", remaining()) is None:
            return {"loading": True}
        seen = self.call("Runtime.evaluate", {"expression": LOOK, "awaitPromise": True, "returnByValue": True},
                         session=session, within=remaining())
        if seen is None:
            return {"loading": True}
        return json.loads(seen["result"]["value"])

    def close(self) -> None:
        """Kill the browser's whole session and reap it; remove its profile."""
        process = getattr(self, "_process", None)
        if process is not None and process.poll() is None:
            victims = set(descendants(process.pid)) | set(marked_processes(self._mark.encode())) - {process.pid}
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
            kill_and_reap(victims)
        for fd in (getattr(self, "_to_browser", -1), getattr(self, "_from_browser", -1)):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
