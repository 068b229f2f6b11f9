"""The fork server (grader/forkserver.py, grader/zygote.py): a program forked from the warm
Python behaves as the same program started through bubblewrap and a fresh Python, is held
as tightly, and whatever the fork server cannot do is done the usual way."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from grader import forkserver, fsview, net
from grader.process import StudentProcess, Subprocess
from grader.student_python import SPY_DIR, STUDENT_ENV, student_python

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not fsview.available(net.Loopback()) or os.environ.get("NETGRADER_FORKSERVER") == "0",
    reason="the fork server runs as root where bubblewrap runs")


@pytest.fixture(params=["netns", "loopback"])
def network(request):
    made = net.OwnNamespace() if request.param == "netns" else net.Loopback()
    yield made
    made.close()


def view_of(workdir: Path, read_only=()) -> fsview.View:
    python = Path(student_python())
    return fsview.View(workdir, (Path(sys.base_prefix), python.parent.parent, python.resolve().parent.parent, SPY_DIR),
                       read_only=read_only)


def through_bubblewrap(workdir: Path, script: str, network, view=None) -> Subprocess:
    gate = fsview.Gate(lambda pid: None)
    argv = (view or view_of(workdir)).wrap([student_python(), "-u", script], gate)
    return Subprocess(network.launcher(argv), gate)


def forked(workdir: Path, script: str, network, on_ready=lambda pid: None, view=None, fallback=None):
    def no_fallback():
        raise AssertionError("the fork server was expected to start this program")

    return forkserver.Launch(Path(script), view or view_of(workdir), on_ready, network, fallback or no_fallback)


def run(workdir: Path, launch, script: str, stdin=(), within: float = 20) -> StudentProcess:
    env = {**STUDENT_ENV, "PATH": "/usr/bin:/bin", "HOME": str(workdir), "TMPDIR": str(workdir),
           "NETGRADER_SANDBOX": "forkserver-test"}
    process = StudentProcess("server", Path(script), launch, workdir, env, {"mode": "netns"},
                             exit_status=fsview.exit_status).start(list(stdin), eof=True)
    try:
        assert process.wait_exit(within), process.stdout.text()
    finally:
        process.stop()
    return process


PROGRAMS = {
    "who-it-is": """
        import os, sys
        print(sys.argv, __file__, sys.path[0] == os.path.dirname(__file__), __name__, __spec__, __package__)
        print(sorted(globals()), os.getcwd(), os.getpid(), os.getppid(), os.getpgrp(), os.environ["NETGRADER_SANDBOX"])
        print(sys.stdin.isatty(), sys.stdin.seekable(), sys.stdout.encoding, sys.stderr.errors, sys.stdout.write_through)
        print(sorted(os.listdir("/")), sorted(os.listdir("/dev")), len(os.listdir(".")))
        print(open("/dev/null", "w").write("x"), len(open("/dev/urandom", "rb").read(4)), open("/dev/zero", "rb").read(2))
        """,
    "a-traceback": """
        def lookup(word):
            return {"hello": "你好"}[word]
        print(lookup("hello"))
        print(lookup("world"))
        """,
    "exits-with-a-message": "import sys\nprint('bye')\nsys.exit('something went wrong')\n",
    "exits-with-3": "raise SystemExit(3)\n",
    "a-thread-outlives-main": """
        import atexit, threading, time
        atexit.register(lambda: print("atexit ran"))
        def later():
            time.sleep(0.2)
            print("thread done")
        threading.Thread(target=later).start()
        print("main done")
        """,
    "a-thread-raises": "import threading\nthreading.Thread(target=lambda: 1 / 0).start()\n",
    "asks-for-input": "name = input('name: ')\nprint('hello', name)\nprint(input())\n",
    "a-syntax-error": "print('never'\n",
    "killed-by-a-signal": "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_forked_program_behaves_as_a_freshly_started_one(tmp_path, network, name):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "prog.py").write_text(textwrap.dedent(PROGRAMS[name]), encoding="utf-8")
    seen = []
    for launch in (through_bubblewrap(workdir, "prog.py", network), forked(workdir, "prog.py", network)):
        done = run(workdir, launch, "prog.py", stdin=["小明", "two"])
        seen.append((done.returncode, done.stdout.text(), done.stderr.text(), [e.kind for e in done.events]))
    assert seen[0] == seen[1]
    assert "zygote" not in seen[1][2]


def test_a_script_in_gbk_with_its_coding_line_runs_as_in_python(tmp_path, network):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "prog.py").write_bytes("# -*- coding: gbk -*-\nprint('人家还小，不知道。')\n".encode("gbk"))
    done = run(workdir, forked(workdir, "prog.py", network), "prog.py")
    assert (done.returncode, done.stdout.text()) == (0, "人家还小，不知道。\n"), done.stderr.text()


def test_a_forked_program_is_held_as_tightly_as_in_bubblewrap(tmp_path, network):
    """Its own PID namespace and view; root without the capabilities that undo a sandbox
    (no mount, no device nodes), no way to gain privileges, /proc/sys read-only."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "prog.py").write_text(textwrap.dedent(f"""
        import ctypes, os
        status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
        print("sys_admin", bool(int(status["CapEff"], 16) & (1 << 21)), "mknod", bool(int(status["CapEff"], 16) & (1 << 27)))
        print("no_new_privs", status["NoNewPrivs"].strip())
        print("mount", ctypes.CDLL(None).mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None))
        try:
            open("/proc/sys/kernel/hostname", "w").write("owned")
        except OSError as error:
            print("sysctl", type(error).__name__)
        print("processes", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
        print("project", os.path.exists({str(ROOT / "tests")!r}), os.path.exists({str(ROOT / "reference")!r}))
        flags = [os.statvfs(path).f_flag for path in (".", "/tmp", "/dev")]
        print("no setuid files, no devices", all(f & os.ST_NOSUID and f & os.ST_NODEV for f in flags))
        print("machine's /proc read-only", all(os.statvfs("/proc/" + d).f_flag & os.ST_RDONLY for d in ("irq", "bus")
                                               if os.path.exists("/proc/" + d)))
        print("ipc", os.readlink("/proc/self/ns/ipc") != {os.readlink("/proc/self/ns/ipc")!r})
        add_key = {{"x86_64": 248, "aarch64": 217}}[os.uname().machine]
        print("keyring", ctypes.CDLL(None, use_errno=True).syscall(add_key, b"user", b"k", b"v", 1, -4), ctypes.get_errno())
        os.kill(1, 2)  # ^C to the sandbox's init
        print("init survives a ^C", os.path.exists("/proc/1"))
        """), encoding="utf-8")
    done = run(workdir, forked(workdir, "prog.py", network), "prog.py")
    assert done.stdout.text().splitlines() == [
        "sys_admin False mknod False", "no_new_privs 1", "mount -1", "sysctl OSError", "processes [1, 2]",
        "project False False", "no setuid files, no devices True", "machine's /proc read-only True", "ipc True",
        "keyring -1 1", "init survives a ^C True"], done.stderr.text()
    assert done.returncode == 0


def test_a_program_beside_a_file_named_as_a_loaded_module_starts_through_bubblewrap(tmp_path, network):
    """`ctypes.py` next to the script: a fresh Python would import the student's file, the
    zygote has its own loaded, so this program is not forked."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "ctypes.py").write_text("NAME = 'the student ctypes'\n", encoding="utf-8")
    (workdir / "prog.py").write_text("import ctypes\nprint(ctypes.NAME)\n", encoding="utf-8")
    used = []

    def fallback():
        used.append("bubblewrap")
        return through_bubblewrap(workdir, "prog.py", network)

    done = run(workdir, forked(workdir, "prog.py", network, fallback=fallback), "prog.py")
    assert used == ["bubblewrap"] and done.stdout.text() == "the student ctypes\n", done.stderr.text()


def test_when_the_fork_server_is_gone_programs_start_through_bubblewrap(tmp_path, monkeypatch):
    monkeypatch.setattr(forkserver, "_zygotes", {})  # a zygote of this test's own
    network = net.Loopback()
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "prog.py").write_text("print('ran')\n", encoding="utf-8")
    assert run(workdir, forked(workdir, "prog.py", network), "prog.py").stdout.text() == "ran\n"
    server = forkserver.zygote()
    pidfd = os.pidfd_open(server.pid)
    os.kill(server.pid, 9)
    select.select([pidfd], [], [], 10)
    os.close(pidfd)
    used = []

    def fallback():
        used.append("bubblewrap")
        return through_bubblewrap(workdir, "prog.py", network)

    done = run(workdir, forked(workdir, "prog.py", network, fallback=fallback), "prog.py")
    assert used == ["bubblewrap"] and done.stdout.text() == "ran\n"
    assert not forkserver.wanted(network) and forkserver.running() == set()


def test_limits_that_cannot_be_set_mean_the_forked_program_never_runs(tmp_path, network):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "prog.py").write_text("open('ran', 'w')\n", encoding="utf-8")

    def refuse(pid):
        raise PermissionError("no control group")

    with pytest.raises(PermissionError):
        run(workdir, forked(workdir, "prog.py", network, on_ready=refuse), "prog.py")
    assert not (workdir / "ran").exists()


def test_a_view_that_cannot_be_made_is_the_programs_error_not_the_graders(tmp_path, network):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "prog.py").write_text("print('ran')\n", encoding="utf-8")
    view = view_of(workdir, read_only=((tmp_path / "missing.mp4", workdir / "film.mp4"),))
    done = run(workdir, forked(workdir, "prog.py", network, view=view), "prog.py")
    assert done.returncode == 1 and done.stdout.text() == "" and "film.mp4" in done.stderr.text()


def test_a_program_that_writes_its_own_events_cannot_break_or_load_the_grader(tmp_path, network):
    """The spy's pipe is the program's too: a malformed event is dropped, and past MAX_EVENTS
    lines nothing more is read (a flood would cost the grader memory and time)."""
    from grader.process import MAX_EVENTS

    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "prog.py").write_text(textwrap.dedent("""
        import os, time
        os.write(3, repr({"ev": "bind", "pid": 2, "t": 0.0, "requested": (), "bound": ()}).encode() + b"\\n")
        line = repr({"ev": "sleep", "pid": 2, "t": 0.0, "secs": 1.0, "path": "x" * 4000}).encode() + b"\\n"
        for _ in range(20000):
            os.write(3, line)
        print("done")
        """), encoding="utf-8")
    done = run(workdir, forked(workdir, "prog.py", network), "prog.py")
    assert done.stdout.text() == "done\n", done.stderr.text()
    assert not done.events_of("bind") and len(done.events) <= MAX_EVENTS


GRADER_THAT_DIES = """
import os, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from grader import net
from test_forkserver import forked, view_of
from grader.process import StudentProcess
from grader.proctree import descendants
workdir = Path({workdir!r})
process = StudentProcess("server", Path("prog.py"), forked(workdir, "prog.py", net.Loopback()), workdir,
                         {{"PATH": "/usr/bin:/bin"}}, {{"mode": "loopback"}}).start()
process.wait_until(lambda: "serving" in process.stdout.text(), 20)
from grader import forkserver
print(process.pid, *descendants(process.pid), *forkserver.running(), flush=True)
os._exit(0)  # killed mid-check: nothing closed, nothing stopped
"""


def test_a_grader_that_dies_takes_its_programs_and_its_fork_server_with_it(tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "prog.py").write_text("import time\nprint('serving')\nwhile True:\n    time.sleep(1)\n")
    code = GRADER_THAT_DIES.format(root=str(ROOT), workdir=str(workdir))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "tests", capture_output=True, text=True, timeout=60)
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) == 3, done.stderr  # the program's init, the program, the zygote
    for pid in pids:
        try:
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            ended = select.select([pidfd], [], [], 10)[0]
        finally:
            os.close(pidfd)
        assert ended, f"{pid} outlived its grader: {Path(f'/proc/{pid}/cmdline').read_bytes()!r}"
        try:  # handed to us (a subreaper) when its grader died
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


def test_without_bubblewrap_the_fork_server_confines_and_a_program_it_will_not_take_is_not_run(tmp_path):
    """No fallback is weaker: where bubblewrap is missing, the fork server still gives every
    program its sandbox, and a program it will not take (a gc.py beside it) does not run
    unconfined: its check says why."""
    import json

    from conftest import run_grader

    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "server.py").write_bytes((ROOT / "reference" / "udp_echo" / "server.py").read_bytes())
    env = {"NETGRADER_BUBBLEWRAP": "0"}
    out = tmp_path / "report.json"
    run_grader("grade", "udp_echo", str(folder), "--check", "server-echoes", "--json", str(out), env=env)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["isolation"].endswith("+ fork server") and report["checks"][0]["status"] == "passed"
    (folder / "gc.py").write_text("")  # a student's own file, named as a module the server has loaded
    refused = run_grader("grade", "udp_echo", str(folder), "--check", "server-listens", "--json", str(out), env=env)
    check = json.loads(out.read_text(encoding="utf-8"))["checks"][0]
    assert check["status"] == "error" and "bubblewrap, its fallback, cannot run here" in refused.stdout
