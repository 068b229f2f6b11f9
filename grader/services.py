"""What a grader keeps warm from one check to the next, and from one grading to the next.

Why an object and not module state: a teacher's script or a batch worker grades hundreds of
submissions in one process, perhaps several exercises side by side; each grader owns what it
started and `close()` releases all of it. Nothing here holds a student's data between
gradings: a namespace made ahead (where an agent holds it) is new and empty, and the database is loaded afresh before
any check that follows a write (grader/database.py).

    services = Services(isolation)   # nothing started yet
    services.network()               # a new private network for a check
    services.database()              # the private MariaDB, started at the first call
    services.close()                 # the spare namespace and the database are gone
"""

from __future__ import annotations

import threading
import weakref

from . import database, net
from .errors import HarnessError


class Services:
    def __init__(self, isolation: str | None = None, ahead: bool = True):
        self.networks = net.Networks(isolation, ahead=ahead)
        self._database: database.Server | None = None
        self._database_refused: str | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._stop_database = lambda: None

    def network(self):
        return self.networks.open()

    def database_unavailable(self) -> str | None:
        """Why this grader cannot give a check the exercise's database (None: it can)."""
        return database.unavailable() or self._database_refused

    def database(self) -> database.Server:
        """This grader's MariaDB, started on first use; HarnessError when it cannot start."""
        with self._lock:
            reason = self.database_unavailable()
            if reason is not None:
                raise HarnessError(reason)
            if self._closed:
                raise HarnessError("the grader is closed")
            if self._database is None:
                try:
                    self._database = database.Server(*database.binaries())
                except HarnessError as exc:
                    self._database_refused = str(exc)
                    raise
                # Stopped at close(), or when a script that never closed its grader ends.
                self._stop_database = weakref.finalize(self, self._database.stop)
            return self._database

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._database = None
        self.networks.close()
        self._stop_database()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
