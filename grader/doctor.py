"""`grader doctor`: what this machine gives the sandbox, and what confinement a grading gets.

Why: the sandbox is made of the machine's parts (root, namespaces, control groups, seccomp,
bubblewrap), and a missing part weakens it silently unless someone says so. As isolate's
`isolate-check-environment` does, each part is tried for real, said in a line, and when it is
missing its remedy is named. The short `fingerprint()` of the same facts goes into every JSON
report, so a grade says which machine and which confinement gave it.
"""

from __future__ import annotations

import functools
import os
import platform
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import forkserver, fsview, limits, net, seccomp
from .machine_cache import tool


@dataclass(frozen=True)
class Part:
    name: str
    ok: bool
    said: str  # what was found
    remedy: str = ""  # what to do where it is missing


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else ""


def _user_namespaces() -> tuple[bool, str]:
    limit = Path("/proc/sys/user/max_user_namespaces")
    count = limit.read_text().strip() if limit.exists() else "?"
    for switch in ("/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"):
        if Path(switch).exists():
            value = Path(switch).read_text().strip()
            refused = value == ("0" if switch.endswith("clone") else "1")
            if refused:
                return False, f"refused to users who are not root ({switch} = {value})"
    return count not in ("0", "?"), f"allowed (at most {count})"


def _cgroups() -> tuple[bool, str]:
    version = "v2" if (limits.CGROUP_ROOT / "cgroup.controllers").exists() else "v1"
    probe = limits.CheckLimits(name=f"netgrader-{os.getpid()}-doctor")
    try:
        made = {group.relative_to(limits.CGROUP_ROOT).parts[0] if version == "v1" else "unified" for group in probe.groups}
        contained = probe.contained
    finally:
        probe.close()
    return contained == {"processes", "memory"}, f"{version}; a check's groups: {', '.join(sorted(made)) or 'none'}"



def parts() -> list[Part]:
    """Every part of the sandbox, tried."""
    found = []
    root = os.geteuid() == 0
    found.append(Part("root", root, "yes" if root else f"no (uid {os.geteuid()})",
                      "" if root else "as root each program runs as a user of its own, the fork server starts "
                                      "them, and each check's working directory gets a disk quota"))
    userns, said = _user_namespaces()
    found.append(Part("user namespaces", userns or root, said,
                      "" if userns or root else "sysctl kernel.unprivileged_userns_clone=1 (or run as root)"))
    network = net.open_network()
    try:
        found.append(Part("network", network.confined, network.isolation + ("" if network.confined else
                                                                            f" (not confined: {network.reason})"),
                          "" if network.confined else "util-linux and iproute2, and a machine that allows namespaces"))
        problem = seccomp.available()
        found.append(Part("seccomp", not problem, "a filter from Docker's list, compiled by libseccomp" if not problem
                          else problem, "apt-get install libseccomp2" if problem else ""))
        bwrap = tool("bwrap")
        works = fsview.available(network)
        found.append(Part("bubblewrap", works, (_version(["bwrap", "--version"]) or "installed") + ("" if works else
                          ", but it cannot make a sandbox here") if bwrap else "not installed",
                          "" if works else "apt-get install bubblewrap"))
        found.append(Part("fork server", forkserver.wanted(network), "starts programs" if forkserver.wanted(network)
                          else "off (root only, and not with NETGRADER_FORKSERVER=0)"))
    finally:
        network.close()
    grouped, said = _cgroups()
    found.append(Part("control groups", grouped, said, "" if grouped else "run as root on a machine with cgroup "
                                                                          "v1 or v2 (pids and memory controllers)"))
    v2 = (limits.CGROUP_ROOT / "cgroup.controllers").exists()
    found.append(Part("socket memory", v2, "counted in a check's memory (cgroup v2)" if v2 else
                      "not counted on cgroup v1: a check's UDP queues are bounded by the machine's udp_mem only",
                      "" if v2 else "boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1)"))
    with tempfile.TemporaryDirectory(prefix=f"netgrader-{os.getpid()}-doctor-") as folder:
        quota = limits.DiskQuota(Path(folder))
        mounted = quota.mounted
        quota.close()
    found.append(Part("disk quota", mounted or not root, f"a tmpfs of {limits.LIMITS.disk_mb} MB a check"
                      if mounted else "none (64 MB a file only)", "" if mounted or not root else
                      "a machine that lets root mount a tmpfs"))
    from . import browser, database

    chromium = browser.find_chromium()
    found.append(Part("chromium", chromium is not None, _version([chromium, "--version"]) if chromium else "not installed",
                      "" if chromium else "apt-get install chromium (http_image's browser check)"))
    mariadb = database.binaries()
    found.append(Part("mariadb", mariadb is not None, _version([mariadb[0], "--version"]) if mariadb else "not installed",
                      "" if mariadb else "apt-get install mariadb-server (udp_dict's programs that use MySQL)"))
    return found


def confinement(found: list[Part]) -> str:
    """The confinement a grading gets here, in a line."""
    ok = {part.name: part.ok for part in found}
    if not ok["bubblewrap"] and not ok["fork server"]:
        return "programs run without a view of their own: not for other people's code"
    way = "the fork server, else bubblewrap" if ok["fork server"] else "bubblewrap"
    who = "a user of their own, no capability" if ok["root"] else "the grader's user, no capability"
    return f"programs start through {way}, as {who}, under seccomp: {'yes' if ok['seccomp'] else 'NO'}"


@functools.lru_cache(maxsize=1)
def fingerprint() -> dict:
    """The machine's facts a grade depends on, cheap enough for every report (no part is tried:
    `grader doctor` tries them)."""
    return {"kernel": platform.release(), "machine": platform.machine(), "root": os.geteuid() == 0,
            "cgroup": "v2" if (limits.CGROUP_ROOT / "cgroup.controllers").exists() else "v1",
            "seccomp": not seccomp.available(), "bubblewrap": tool("bwrap") is not None,
            "forkserver": os.environ.get("NETGRADER_FORKSERVER") != "0" and os.geteuid() == 0}


def report(found: list[Part]) -> tuple[str, bool]:
    """The doctor's text, and whether every part a sandbox needs is there."""
    lines = [f"{'ok' if part.ok else 'MISSING':<8} {part.name:<16} {part.said}" +
             (f"\n{'':<8} {'':<16} remedy: {part.remedy}" if part.remedy and not part.ok else "") for part in found]
    lines.append("")
    lines.append(confinement(found))
    needed = {"network", "seccomp", "control groups"}
    return "\n".join(lines) + "\n", all(part.ok for part in found if part.name in needed)
