"""What a check's student processes may use, and how each limit is enforced.

Why two mechanisms: rlimits bound CPU seconds, file size and open files for every process the
student starts. They are set before the student's first line runs: on bubblewrap's sandbox
while it waits to start the program (`apply`), or, without bubblewrap, by util-linux's
`prlimit` in front of the command (`wrap`), so no Python code runs between fork and exec.
Processes and memory need more: as root the kernel ignores RLIMIT_NPROC, and RLIMIT_AS counts
address space, not memory. Where the grader may create control groups (root, cgroup v1 or
v2), each check gets its own with pids.max, a memory limit and one CPU share (forty spinning
processes of one check weigh as one: they slow only their own check); every process the student
starts is put in it before its program runs, so a fork bomb hits the wall at once, a memory
hog is stopped by the kernel, and clean-up finds every member, even one that left its session.
The groups are root's and out of the program's view, and it runs as a user of its own with no
way to make a namespace (grader/seccomp.py): it cannot change them.
Elsewhere the rlimits stand in for both (RLIMIT_NPROC works for a user who is not root), and
the report says which level was in force.
"""

from __future__ import annotations

import os
import resource
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .results import Message
from .machine_cache import tool

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 20  # CPU time of each process: a busy loop is stopped, a server at rest never nears it
    memory_mb: int = 512  # all of the check's processes together (address space per process without cgroups)
    file_mb: int = 64  # the largest file a process may write: a 5 MB upload fits, a 10 GB new.jpg does not
    processes: int = 64  # tasks of the check at once (threads count too): a fork bomb stops here
    open_files: int = 256
    disk_mb: int = 256  # all the check's working directory may hold (a 5 MB upload fits many times over)
    disk_files: int = 20000  # files and folders in it


LIMITS = Limits()


def _own_cgroup(controller: str) -> Path | None:
    """This process's cgroup directory for `controller` (v1), or its unified one (v2: '')."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller in names.split(",") or (not controller and not names):
            base = CGROUP_ROOT / (controller or "") if controller else CGROUP_ROOT
            return base / path.lstrip("/")
    return None


def processes_of(uid: int) -> int:
    """How many processes `uid` runs now (RLIMIT_NPROC counts them all, not just the check's)."""
    count = 0
    for entry in os.scandir("/proc"):
        try:
            count += entry.name.isdigit() and entry.stat().st_uid == uid
        except OSError:
            continue
    return count


# Settings a group does without where the machine lacks them: swap accounting may be off, and
# the cpu controller may not be delegated to the grader's group (cgroup v2).
OPTIONAL = {"memory.memsw.limit_in_bytes", "cpu.weight"}
STALE = 600  # seconds after which an empty group of ours was left by a grader that was killed
SWEEP_EVERY = 60  # seconds between two looks for them: each look reads every grader's groups
_swept: dict[Path, float] = {}  # parent group -> when this process last looked there


def remove_stale(parent: Path) -> None:
    """Remove the empty groups a killed grader left behind: those named after a process that is
    gone (netgrader-PID-...), and any older than STALE (a group just made by another grader is
    empty until its first program starts). At the first check, then once every SWEEP_EVERY."""
    now = time.time()
    if now - _swept.get(parent, 0.0) < SWEEP_EVERY:
        return
    _swept[parent] = now
    for group in parent.glob("netgrader-*"):
        owner = group.name.split("-")[1]
        try:
            gone = owner.isdigit() and not Path(f"/proc/{owner}").exists()
            if (gone or now - group.stat().st_mtime > STALE) and not (group / "cgroup.procs").read_text().strip():
                group.rmdir()
        except OSError:
            continue


class CheckLimits:
    """The limits of one check: rlimits always, plus its own control groups where possible."""

    def __init__(self, limits: Limits = LIMITS, name: str | None = None, uid: int | None = None):
        """`name`: the groups' name, the check's mark (netgrader-PID-...: which grader made them).
        `uid`: the user the check's programs run as (grader/identity.py), when it is their own."""
        self.limits = limits
        self.uid = uid if uid is not None else (os.geteuid() if os.geteuid() != 0 else None)
        self.groups: list[Path] = []  # one per controller (v1) or one unified group (v2)
        self._memory_file: Path | None = None
        name = name or f"netgrader-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        memory = limits.memory_mb * 1024 * 1024
        if os.geteuid() == 0:
            if (CGROUP_ROOT / "cgroup.controllers").exists():
                self._try_group("", name, {"pids.max": limits.processes, "memory.max": memory, "cpu.weight": 100},
                                "memory.events")
            else:
                self._try_group("pids", name, {"pids.max": limits.processes}, None)
                self._try_group("memory", name, {"memory.limit_in_bytes": memory,
                                                 "memory.memsw.limit_in_bytes": memory}, "memory.oom_control")
                self._try_group("cpu", name, {"cpu.shares": 1024}, None)
        # What the control groups bound ('processes', 'memory'), kept for the report after close().
        self.contained = {what for group in self.groups for what, file in
                          (("processes", "pids.max"), ("memory", "memory.max"), ("memory", "memory.limit_in_bytes"))
                          if (group / file).exists()}

    def _try_group(self, controller: str, name: str, settings: dict, memory_file: str | None) -> None:
        parent = _own_cgroup(controller)
        if parent is None or not parent.is_dir():
            return
        remove_stale(parent)
        group = parent / name
        try:
            group.mkdir()
        except OSError:
            return
        for file, value in settings.items():
            try:
                (group / file).write_text(str(value))
            except OSError:
                if file not in OPTIONAL:
                    self._remove(group)
                    return
        self.groups.append(group)
        if memory_file:
            self._memory_file = group / memory_file


    def describe(self) -> Message:
        """The level in force, for the report."""
        if self.contained == {"processes", "memory"}:
            key = "limits.cgroup"
        else:  # RLIMIT_NPROC binds a user who is not root (see wrap())
            key = "limits.rlimit" if self.uid is None else "limits.rlimit_user"
        return Message(key, {"cpu": self.limits.cpu_seconds, "memory": self.limits.memory_mb,
                             "file": self.limits.file_mb, "processes": self.limits.processes})

    def rlimits(self) -> list[tuple[int, int, int]]:
        """(resource, soft, hard) of every rlimit a student's process runs under."""
        limits = self.limits
        found = [(resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 1),
                 (resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024, limits.file_mb * 1024 * 1024),
                 (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files)]
        if "memory" not in self.contained:  # address space runs ahead of memory
            found.append((resource.RLIMIT_AS, limits.memory_mb * 2 * 1024 * 1024, limits.memory_mb * 2 * 1024 * 1024))
        if "processes" not in self.contained and self.uid is not None:  # it counts all of the user's processes
            nproc = processes_of(self.uid) + limits.processes
            found.append((resource.RLIMIT_NPROC, nproc, nproc))
        return found

    def apply(self, pid: int) -> None:
        """Put `pid` (a sandbox that has not started its program yet) under the limits: its
        rlimits and its groups, which the program and all it starts inherit. Costs no process,
        where `wrap` costs two (prlimit and a shell): a dozen times a grading."""
        for limit, soft, hard in self.rlimits():
            resource.prlimit(pid, limit, (soft, hard))
        for group in self.groups:
            (group / "cgroup.procs").write_text(str(pid))

    def wrap(self, argv: list[str]) -> list[str]:
        """argv run under the limits, for a program started without a sandbox that waits:
        prlimit sets the rlimits, then a shell joins the check's groups and becomes the
        student's program (exec), before it can run a line."""
        options = {resource.RLIMIT_CPU: "cpu", resource.RLIMIT_FSIZE: "fsize", resource.RLIMIT_NOFILE: "nofile",
                   resource.RLIMIT_AS: "as", resource.RLIMIT_NPROC: "nproc"}
        rlimits = [f"--{options[limit]}={soft}:{hard}" for limit, soft, hard in self.rlimits()]
        join = [f'echo $$ > "{group}/cgroup.procs"' for group in self.groups]
        shell = ["sh", "-c", " && ".join([*join, 'exec "$@"']), "sh"] if join else []
        prlimit = ["prlimit", *rlimits, "--"] if tool("prlimit") else []  # util-linux, as unshare
        return [*prlimit, *shell, *argv]

    def members(self) -> list[int]:
        """Every process in the check's groups now."""
        found = set()
        for group in self.groups:
            try:
                found |= {int(pid) for pid in (group / "cgroup.procs").read_text().split()}
            except OSError:
                continue
        return sorted(found)

    def stopped_by(self, returncode: int | None) -> Message | None:
        """The limit that ended a process, judged from how it ended."""
        if returncode == -signal.SIGXCPU:  # the soft limit; SIGKILL follows a second later at the hard one
            return Message("limit.cpu", {"seconds": self.limits.cpu_seconds})
        if returncode == -signal.SIGKILL and self._memory_hit():
            return Message("limit.memory", {"mb": self.limits.memory_mb})
        return None

    def _memory_hit(self) -> bool:
        """The kernel killed a process of the group for memory ("oom_kill N" in v1's
        memory.oom_control and in v2's memory.events)."""
        try:
            lines = self._memory_file.read_text().splitlines() if self._memory_file else []
        except OSError:
            return False
        return any(line.split()[:1] == ["oom_kill"] and int(line.split()[1]) > 0 for line in lines)

    def close(self, within: float = 2.0) -> None:
        """Remove the groups. Their members were killed by then, but a killed task leaves its
        group only once the kernel has torn it down: the removal is retried until then."""
        deadline = time.monotonic() + within
        for group in self.groups:
            while not self._remove(group) and group.exists() and time.monotonic() < deadline:
                time.sleep(0.002)  # microseconds after the kill; nothing to wait on but the group itself
        self.groups = []

    @staticmethod
    def _remove(group: Path) -> bool:
        """The group and any group made inside it, the deepest first (a group with a child
        cannot be removed, and would stay for good)."""
        try:
            for parent, _, _ in sorted(os.walk(group), key=lambda entry: -entry[0].count(os.sep)):
                os.rmdir(parent)
            return True
        except OSError:
            return False


class DiskQuota:
    """The check's working directory as a file system of its own (tmpfs) with a size and a
    number of files, where the grader may mount one (root): a program that writes file after
    file of 64 MB fills its quota, never the machine's disk. What it writes also counts against
    the check's memory (the kernel charges a tmpfs page to the group of the writer). Unmounted
    at close; a grader killed before that leaves a mount that the next grader detaches
    (netgrader-PID-... of a process that is gone), and its folders too. Elsewhere `mounted` is False: the folder
    stays as it is, bounded only by the size of a file."""

    def __init__(self, folder: Path, limits: Limits = LIMITS, enabled: bool = True):
        self.folder, self.mounted = folder, False
        if os.geteuid() != 0 or not enabled:
            return
        _sweep_stale(folder.parent)
        options = f"size={limits.disk_mb}m,nr_inodes={limits.disk_files},mode=0700"
        self.mounted = _libc().mount(b"tmpfs", bytes(folder), b"tmpfs", MS_NOSUID | MS_NODEV, options.encode()) == 0

    def close(self) -> None:
        if self.mounted:
            _libc().umount2(bytes(self.folder), MNT_DETACH)
            self.mounted = False


MS_NOSUID, MS_NODEV, MNT_DETACH = 2, 4, 2
_swept_folders: dict[Path, float] = {}


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _sweep_stale(parent: Path) -> None:
    """What killed graders left under `parent`, once a minute: their working directories'
    mounts detached, then the folders themselves (a check's, its recreated folders, its
    shared copies: netgrader-PID-... of a process that is gone) removed."""
    from .untrusted import remove

    now = time.time()
    if now - _swept_folders.get(parent, 0.0) < SWEEP_EVERY:
        return
    _swept_folders[parent] = now
    try:
        table = Path("/proc/self/mountinfo").read_text().splitlines()
        entries = list(os.scandir(parent))
    except OSError:
        return
    for line in table:
        point = Path(line.split()[4])
        if point.parent == parent and _left_by_the_dead(point.name):
            _libc().umount2(bytes(point), MNT_DETACH)
    for entry in entries:
        if _left_by_the_dead(entry.name) and entry.is_dir(follow_symlinks=False):
            remove(Path(entry.path))


def _left_by_the_dead(name: str) -> bool:
    """netgrader-PID-... where no process PID runs (a grader's own folders carry its pid)."""
    owner = name.split("-")[1] if name.startswith("netgrader-") and name.count("-") >= 2 else ""
    return owner.isdigit() and not Path(f"/proc/{owner}").exists()
