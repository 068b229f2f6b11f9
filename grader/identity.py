"""Whom a student's program runs as: never root, and never anyone else's user.

Why: as root, a sandbox's view and namespaces are not enough. A process of uid 0 owns every
root file it can see (/etc/shadow, the machine's /proc/sys), and one capability it keeps is
a way out. So where the grader is root, each check gets a user id of its own, drawn from a
range no system gives out (isolate runs each box as a dedicated uid the same way): its
programs switch to it, with no supplementary groups, before their first line, and with the
uid every capability is gone. Its working folders are that user's (chowned), so it writes
there as it would on the student's laptop; the grader, root, still reads all it leaves.
A user id per check, not one for all: the kernel counts some resources per user (processes,
pipe buffers, inotify instances), and one check must not spend another's.

Where the grader is not root, programs run as the grader's user, inside bubblewrap's user
namespace, with no capabilities there either.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

FIRST = 0x60000000  # 1,610,612,736: above every range useradd, systemd (dynamic users) or subuid hands out
COUNT = 1 << 24


@dataclass(frozen=True)
class Identity:
    uid: int
    gid: int

    def own(self, *folders: Path) -> None:
        """Give the folders and everything in them to this user (links themselves, not what they name)."""
        for folder in folders:
            if not folder.exists():
                continue
            os.lchown(folder, self.uid, self.gid)
            for parent, names, files in os.walk(folder):
                for name in names + files:
                    os.lchown(os.path.join(parent, name), self.uid, self.gid)

    def setpriv(self) -> list[str]:
        """util-linux's setpriv in front of a command run as root (bubblewrap's program, the
        browser, the database server): it runs as this user, with no groups and no capability
        left in any set."""
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs", "--"]


def fresh() -> Identity | None:
    """A user of its own, for one check's programs or one helper that reads what a student
    sent (the browser, the database server), where the grader is root; None elsewhere."""
    if os.geteuid() != 0:
        return None
    uid = FIRST + secrets.randbelow(COUNT)
    return Identity(uid, uid)


def passable_tmp() -> str:
    """The temporary folder, where every user may pass through each folder above it (a helper
    running as its own user reaches a folder of its own there); else /tmp."""
    folder = Path(tempfile.gettempdir()).resolve()
    passable = all(os.stat(parent).st_mode & 0o001 for parent in (folder, *folder.parents))
    return str(folder) if passable else "/tmp"
