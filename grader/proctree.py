"""Processes as the kernel shows them (/proc): the descendants of a process, those carrying a
check's mark, and killing and reaping them, whoever their parent is."""

from __future__ import annotations

import contextlib
import ctypes
import os
import selectors
import signal
import subprocess
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Make processes orphaned by a student's double fork our children, not init's, so that
    clean-up can reap them (in a container, init may never do it)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def marked_processes(marker: bytes, prefix: bool = False) -> list[int]:
    """Processes whose environment carries `marker` (what a check started, even the daemons
    that left its process group and session), or with `prefix`, a variable that starts with
    it (NETGRADER_SANDBOX=netgrader-PID-: every check of one grader's process)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as environ:
                variables = environ.read().split(b"\0")
        except OSError:
            continue
        if any(variable.startswith(marker) for variable in variables) if prefix else marker in variables:
            found.append(int(entry.name))
    return found


def descendants(root: int) -> list[int]:
    """Children, grandchildren, ... of `root` as /proc shows them now."""
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    kids = [int(k) for k in children.read().split()]
            except OSError:
                continue
            found += kids
            queue += kids
    return found


def reap_orphans(group: int) -> None:
    """Kill and reap the processes of a process group that were handed to us (we are the
    subreaper) after their parent ended without waiting for them: bubblewrap's init does that
    when the program ends by itself, and as a user who is not root bubblewrap's helper may
    still be running then. Only that group's: another check's are not ours to take."""
    for pid in descendants(os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) != group:  # ppid, pgrp
            continue
        if fields[0] != "Z":
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def wait_ended(popen: subprocess.Popen, timeout: float) -> bool:
    """Wait for a child to end, on its pidfd (Popen.wait(timeout) polls, sleeping up to 50 ms
    at a time); True once it has ended and is reaped."""
    try:
        pidfd = os.pidfd_open(popen.pid)
    except OSError:  # already reaped
        return popen.poll() is not None
    try:
        selector = selectors.DefaultSelector()
        selector.register(pidfd, selectors.EVENT_READ)
        selector.select(timeout)
        selector.close()
    finally:
        os.close(pidfd)
    return popen.poll() is not None


def kill_and_reap(pids, within: float = 2.0) -> None:
    """Kill each process and reap it. Each is waited for on its pidfd (readable the moment it
    has ended), then reaped if it is ours. One whose parent dies with it is handed to us (we
    are the subreaper) a moment later: it is waited for until it is ours or gone, so no zombie
    of a double-forked helper outlives its check."""
    pidfds = {}
    for pid in pids:
        try:
            pidfds[pid] = os.pidfd_open(pid)
        except OSError:
            continue  # gone already
        with contextlib.suppress(OSError):
            signal.pidfd_send_signal(pidfds[pid], signal.SIGKILL)
    deadline = time.monotonic() + within
    try:
        with selectors.DefaultSelector() as selector:
            for pidfd in pidfds.values():
                selector.register(pidfd, selectors.EVENT_READ)
            while selector.get_map() and time.monotonic() < deadline:
                for key, _ in selector.select(max(0.0, deadline - time.monotonic())):
                    selector.unregister(key.fileobj)
        for pid in pidfds:
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(pid, os.WNOHANG)[0] == pid:
                        break  # reaped
                except ChildProcessError:  # not ours (yet): reaped by its parent, or orphaned soon
                    if not os.path.exists(f"/proc/{pid}"):
                        break
                time.sleep(0.0005)  # it has ended: the kernel hands the orphan over within microseconds
    finally:
        for pidfd in pidfds.values():
            os.close(pidfd)
