"""A private MariaDB server, for exercises whose students keep their data in MySQL.

Why: in this course most `udp_dict` servers look words up with
`pymysql.connect(host='localhost', port=3306, user='root', password='123456', database='dict')`.
Graded as they are, they need a real server. The grader starts Debian's `mariadbd` for itself:
its own data directory and socket under /tmp, no TCP port at all (--skip-networking), never the
machine's own database. One server per grader (grader/services.py), started at the first check
that needs it (a few tenths of a second) and stopped when the grader closes; it dies with the
grader's process even when that is killed (setpriv --pdeathsig), and a folder a killed grader
left is removed by the next one.

Each check that starts such a program gets a relay (grader/relay.py) on the handout's port
inside the check's network, to this server's socket, and the exercise's database as its YAML
describes it. It is loaded again whenever a program changed anything (MariaDB counts every
statement that writes), so no check and no other student's submission sees another's changes.
The student's account (root/123456) may do anything inside the exercise's database and nothing
outside it; the grader's own account has a random password.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from . import identity
from .errors import HarnessError
from .machine_cache import cache_dir, made_once
from .spec import Database

MODULES = {"pymysql", "MySQLdb", "mysql"}  # what a program imports to talk to MySQL
FOLDER_PREFIX = "netgrader-mariadb-"
SOCKET_PATH_MAX = 107  # bytes of a Unix socket's path (sun_path), the server's and sd_notify's


def folder_base() -> Path:
    """Where a server's folder goes: the temporary folder, unless its path is too long for the
    sockets inside (a teacher's TMPDIR deep in a course folder) or the server's own user could
    not pass through it; then /tmp."""
    base = identity.passable_tmp()
    longest = f"{base}/{FOLDER_PREFIX}{os.getpid()}-xxxxxxxx/mysqld.sock"
    return Path(base if len(longest.encode()) <= SOCKET_PATH_MAX else "/tmp")
START_WITHIN = 30.0
STATEMENT_LIMIT = 5  # seconds one of a student's queries may run (a lookup takes a millisecond)
# The status counters of statements that change data, tables or accounts: when any of them
# moved since the last load, a program wrote and the exercise's database is loaded again.
WRITES = ("insert", "update", "delete", "replace", "drop", "create", "alter", "rename", "truncate", "load",
          "grant", "revoke")
SIZES = ("--innodb-buffer-pool-size=8M", "--innodb-log-file-size=4M")  # a few thousand rows: 22 MB on disk
SETTINGS = (  # quick: one client at a time, nothing to keep, no TCP port
    *SIZES, "--skip-networking", "--skip-name-resolve", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0",
    "--innodb-doublewrite=0", "--innodb-use-native-aio=0", "--performance-schema=0", "--character-set-server=utf8mb4",
)


QUIT = b"\x01\x00\x00\x00\x01"  # MySQL's COM_QUIT packet: what close() sends before it hangs up


def said_goodbye(link) -> bool:
    """Whether a relayed client closed its connection with close() (not just dropped it)."""
    return link.tail.endswith(QUIT)


def errors_in(data: bytes) -> list[str]:
    """The error messages in what the server sent (MySQL packets: a 3-byte length and a
    sequence byte, then the payload; an error's starts 0xFF, its code, '#' and SQLSTATE)."""
    found = []
    while len(data) >= 4:
        length = int.from_bytes(data[:3], "little")
        payload, data = data[4:4 + length], data[4 + length:]
        if payload[:1] == b"\xff" and payload[3:4] == b"#":
            code = int.from_bytes(payload[1:3], "little")
            found.append(f"({code}) {payload[9:].decode('utf-8', 'replace')}")
    return found


@functools.lru_cache(maxsize=256)  # asked at each check's start
def wanted_by(source: str) -> bool:
    """Whether a script imports a MySQL module (pymysql, MySQLdb, mysql.connector)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name.split(".")[0] in MODULES for name in names):
            return True
    return False


class Server:
    """One running mariadbd, private to this grader."""

    def __init__(self, mariadbd: str, install_db: str):
        _remove_left_behind()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=folder_base()))
        self.socket_path = str(self.folder / "mysqld.sock")
        self._password = secrets.token_hex(16)
        self._loaded = None  # the Database now in the server
        self._writes = -1
        self._admin = None
        self._process = None
        try:
            self._start(mariadbd, install_db)
        except BaseException:
            self.stop()
            raise

    def _start(self, mariadbd: str, install_db: str) -> None:
        """As root, the server runs as a user of its own (grader/identity.py), as Debian runs it
        as mysql: it executes the students' SQL, and never as root."""
        data = self.folder / "data"
        user = identity.fresh()
        shutil.copytree(_template(mariadbd, install_db), data)
        init = self.folder / "init.sql"
        init.write_text(  # only the grader's account is left: the students' is made per exercise
            "DELETE FROM mysql.global_priv WHERE User <> 'mariadb.sys';\nFLUSH PRIVILEGES;\n"
            f"CREATE USER 'netgrader'@'localhost' IDENTIFIED BY '{self._password}';\n"
            "GRANT ALL ON *.* TO 'netgrader'@'localhost' WITH GRANT OPTION;\n"
        )
        log = self.folder / "error.log"
        argv = [mariadbd, "--no-defaults", f"--datadir={data}", f"--socket={self.socket_path}",
                f"--pid-file={self.folder / 'mysqld.pid'}", f"--log-error={log}", f"--init-file={init}",
                *SETTINGS]
        if user is not None:
            user.own(self.folder)
            argv = user.setpriv()[:-1] + ["--pdeathsig", "KILL", "--", *argv]
        elif shutil.which("setpriv"):  # killed with the grader, whatever kills it
            argv = ["setpriv", "--pdeathsig", "KILL", "--", *argv]
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as ready:
            ready.bind(str(self.folder / "notify.sock"))  # mariadbd says READY=1 there (sd_notify)
            os.chmod(self.folder / "notify.sock", 0o666)  # as its own user, it may write there
            ready.settimeout(0.5)
            self._process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL, start_new_session=True,
                                             env={**os.environ, "NOTIFY_SOCKET": str(self.folder / "notify.sock"),
                                                  "TMPDIR": str(self.folder)})  # its own: it may not pass through ours
            deadline = time.monotonic() + START_WITHIN
            while self._process.poll() is None and time.monotonic() < deadline:
                with contextlib.suppress(socket.timeout):
                    if b"READY=1" in ready.recv(4096):
                        self._admin = self._connect_admin()
                        init.unlink()  # it holds the grader's password
                        return
        problem = _last_line(log.read_text(errors="replace")) if log.exists() else "no log"
        raise HarnessError(f"MariaDB did not start: {problem}")

    def _connect_admin(self):
        import pymysql  # only graders that need a database pay for importing it

        return pymysql.connect(unix_socket=self.socket_path, user="netgrader", password=self._password,
                               charset="utf8mb4", autocommit=True,
                               init_command="SET SESSION lock_wait_timeout = 10")  # never wait a check's length

    def connect(self) -> socket.socket:
        """A new connection to the server, for the relay."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        return sock

    def prepare(self, database: Database, fixture_dir: Path) -> None:
        """Make the server hold `database` as the exercise describes it, and the student's
        account as the exercise lists it (made anew each time: `SET PASSWORD` counts as no
        write); the data loaded again only when it is another one or a program wrote since."""
        if self._loaded == database and self._write_count() == self._writes:
            self._make_account(database)
            self._writes = self._write_count()
            return
        with self._admin.cursor() as cursor:
            name = f"`{database.name}`"
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
            for table in database.tables:
                first, *others = table.columns
                columns = ", ".join([f"`{first}` VARCHAR(255) NOT NULL", *(f"`{c}` TEXT" for c in others)])
                cursor.execute(f"CREATE TABLE {name}.`{table.name}` (`id` INT AUTO_INCREMENT PRIMARY KEY, "
                               f"{columns}, INDEX (`{first}`))")
                rows = _rows(fixture_dir / table.rows, len(table.columns))
                marks = ", ".join(["%s"] * len(table.columns))
                listed = ", ".join(f"`{c}`" for c in table.columns)
                cursor.executemany(f"INSERT INTO {name}.`{table.name}` ({listed}) VALUES ({marks})", rows)
        self._make_account(database)
        self._loaded = database
        self._writes = self._write_count()

    def _make_account(self, database: Database) -> None:
        account = f"'{database.user}'@'localhost'"
        with self._admin.cursor() as cursor:
            cursor.execute(f"DROP USER IF EXISTS {account}")
            cursor.execute(f"CREATE USER {account} IDENTIFIED BY %s WITH MAX_STATEMENT_TIME {STATEMENT_LIMIT}",
                           (database.password,))
            cursor.execute(f"GRANT ALL ON `{database.name}`.* TO {account}")

    def end_sessions(self, database: Database) -> None:
        """End what the student's account still runs: a check's connections are gone with its
        relay, but a query already running (`select sleep(1000)`) would go on in the server,
        and a prepared XA transaction outlives its session, locking the tables it touched."""
        with self._admin.cursor() as cursor:
            cursor.execute("SELECT id FROM information_schema.processlist WHERE user = %s", (database.user,))
            for (session,) in cursor.fetchall():
                with contextlib.suppress(Exception):  # it ended meanwhile
                    cursor.execute(f"KILL {int(session)}")
            cursor.execute("XA RECOVER FORMAT='SQL'")
            for *_, xid in cursor.fetchall():
                with contextlib.suppress(Exception):
                    cursor.execute(f"XA ROLLBACK {xid}")

    def _write_count(self) -> int:
        with self._admin.cursor() as cursor:
            cursor.execute("SHOW GLOBAL STATUS LIKE 'Com\\_%'")
            return sum(int(value) for key, value in cursor.fetchall()
                       if any(word in key.lower() for word in WRITES))

    def stop(self) -> None:
        if self._admin is not None:
            with contextlib.suppress(Exception):
                self._admin.close()
        if self._process is not None:
            self._process.kill()  # its data is thrown away: no clean shutdown to wait for
            self._process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _template(mariadbd: str, install_db: str) -> Path:
    """A new server's data directory, made by mariadb-install-db once per machine and user and
    version (half a second) and copied for each server (a twentieth of one)."""
    stat = os.stat(mariadbd)
    tag = hashlib.sha256(f"{mariadbd} {stat.st_size} {stat.st_mtime_ns} {os.geteuid()}".encode()).hexdigest()[:12]
    return made_once(cache_dir() / f"mariadb-{tag}", lambda folder: _install(install_db, folder))


def _install(install_db: str, data: Path) -> None:
    user = ["--user=root"] if os.geteuid() == 0 else []
    done = subprocess.run(
        [install_db, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
         "--skip-test-db", *SIZES, *user],
        capture_output=True, text=True, timeout=120,
    )
    if done.returncode != 0:
        raise HarnessError(f"mariadb-install-db failed: {_last_line(done.stdout + done.stderr)}")


def _rows(path: Path, width: int) -> list[tuple[str, ...]]:
    """A fixture's lines as rows: the first `width - 1` words, then the rest of the line."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(None, width - 1)
        if len(parts) == width:
            rows.append(tuple(part.strip() for part in parts))
    return rows


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][-300:] if lines else "no message"


def _remove_left_behind() -> None:
    """The folders of graders that were killed: their server died with them."""
    for folder in {*Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"), *Path("/tmp").glob(f"{FOLDER_PREFIX}*")}:
        pid = folder.name.removeprefix(FOLDER_PREFIX).split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def unavailable() -> str | None:
    """Why no MariaDB can be started on this machine (None: one can): what a skipped check says."""
    if os.environ.get("NETGRADER_MARIADB") == "off":
        return "NETGRADER_MARIADB=off"
    if binaries() is None:
        return "MariaDB is not installed (apt-get install mariadb-server)"
    return None


def binaries() -> tuple[str, str] | None:
    """The server and the program that makes its data directory, or None."""
    mariadbd, install_db = _find("mariadbd", "mysqld"), _find("mariadb-install-db", "mysql_install_db")
    return (mariadbd, install_db) if mariadbd and install_db else None


def _find(*names: str) -> str | None:
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return next(filter(None, (shutil.which(name, path=path) for name in names)), None)
