"""The kernel's word on a program's sockets: which ports its processes hold, in its own network.

Why: the spy inside the student's Python reports each bind and listen, which tells the grader
at once where to look; but the program owns the spy's pipe and can write a `bind` line of its
own with no socket behind it. A step believes such an event only when the kernel agrees: a
socket bound to that port (listening, for TCP) is in the socket table of the program's network
namespace (/proc/PID/net/..., which shows PID's namespace), and it is one of the program's own
(its inode is open in one of the program's processes), not a socket of the grader's peers.
"""

from __future__ import annotations

import os

TABLES = {"udp": ("udp", "udp6"), "tcp": ("tcp", "tcp6")}
TCP_LISTEN = "0A"


def _inodes(pids) -> set[str]:
    """The inodes of every socket the processes hold open."""
    found = set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                found.add(target[8:-1])
    return found


def held(pids, proto: str, port: int) -> bool:
    """One of `pids` holds a `proto` socket bound to `port` (listening, for TCP), as the socket
    table of their network namespace says."""
    pids = list(pids)
    inodes = _inodes(pids)
    if not inodes:
        return False
    for pid in pids:  # one process's view is the namespace's; a process that is gone has none
        seen = False
        for table in TABLES[proto]:
            try:
                with open(f"/proc/{pid}/net/{table}") as rows:
                    seen = True
                    next(rows, None)  # the header
                    for row in rows:
                        fields = row.split()
                        if (len(fields) > 9 and int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] in inodes
                                and (proto == "udp" or fields[3] == TCP_LISTEN)):
                            return True
            except (OSError, ValueError, IndexError):
                continue
        if seen:
            return False
    return False
