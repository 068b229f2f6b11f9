"""Sandboxes keep checks apart and leave nothing behind, in both isolation modes: the same
handout port in parallel checks, packets that cannot leave loopback, daemons killed and
reaped, output capped, prompts answered."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import pytest

from conftest import ROOT
from grader import browser, forkserver, fsview, net, spec
from grader.errors import CheckFailed
from grader.probe import Probe
from grader.process import Output
from grader.proctree import descendants
from grader.sandbox import Sandbox
from grader.submission import resolve

MODES = ["netns", "loopback"]
ECHO = spec.load(ROOT / "exercises" / "udp_echo.yaml")


def netns_available() -> bool:
    try:
        net.open_network("netns").close()
        return True
    except Exception:
        return False


@pytest.fixture(params=MODES)
def mode(request):
    if request.param == "netns" and not netns_available():
        pytest.skip("network namespaces are not available here")
    return request.param


def submission(tmp_path: Path, server: str, client: str = "print('client')\n"):
    folder = tmp_path / f"sub-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    (folder / "server.py").write_text(textwrap.dedent(server), encoding="utf-8")
    (folder / "client.py").write_text(textwrap.dedent(client), encoding="utf-8")
    return resolve(folder, ECHO)


def test_the_same_port_in_parallel_checks(tmp_path, mode):
    sub = submission(tmp_path, (ROOT / "reference/udp_echo/server.py").read_text())
    errors = []

    def one_check(n):
        try:
            with Sandbox(ECHO, sub, mode) as sandbox:
                probe = Probe(sandbox)
                probe.start_student("server").expect_listening("echo", within=5)
                probe.udp("echo").send(f"check {n}").expect_reply(equals=f"check {n}", within=5)
        except Exception as exc:  # collected, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=one_check, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_classroom_address_binds_inside_the_sandbox(tmp_path, mode):
    sub = submission(tmp_path, """
        from socket import *
        s = socket(AF_INET, SOCK_DGRAM)
        s.bind(('172.40.91.185', 8888))
        while True:
            data, addr = s.recvfrom(4096)
            s.sendto(data, addr)
    """)
    with Sandbox(ECHO, sub, mode) as sandbox:
        probe = Probe(sandbox)
        probe.start_student("server").expect_listening("echo")
        probe.udp("echo").send("hi").expect_reply(equals="hi")
        assert [w.key for w in sandbox.warnings] == ["warn.lan_bind"]
    # and the host never got that address
    assert "172.40.91.185" not in subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True).stdout


def test_nothing_leaves_loopback(tmp_path, mode):
    sub = submission(tmp_path, """
        from socket import *
        # computed at run time, so the grader cannot know the addresses in advance
        outside = ['.'.join(map(str, (93, 184, 216, 34))), '.'.join('8' * 4)]
        for kind, target in ((SOCK_STREAM, (outside[0], 80)), (SOCK_DGRAM, (outside[1], 53))):
            s = socket(AF_INET, kind)
            s.settimeout(2)
            try:
                s.connect(target)
                s.send(b'x')
                print('sent', s.getpeername())
            except OSError as exc:
                print('refused', exc.errno)
    """)
    with Sandbox(ECHO, sub, mode) as sandbox:
        server = Probe(sandbox).start_student("server")
        server.expect_exit(code=0, within=5)
        lines = server.process.stdout.text().splitlines()
    if mode == "netns":  # no route at all: ENETUNREACH
        assert lines == ["refused 101", "refused 101"]
    else:  # the spy points every destination at 127.0.0.1
        assert lines == ["refused 111", "sent ('127.0.0.1', 53)"]


def test_every_process_is_gone_after_the_check(tmp_path, mode):
    marker = f"netgrader-test-{uuid.uuid4().hex}"
    sub = submission(tmp_path, f"""
        import os, subprocess, sys, time
        # a child in the same group, a double-forked daemon in its own session, and itself
        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])
            os._exit(0)
        print('started', flush=True)
        time.sleep(600)
    """)
    sandbox = Sandbox(ECHO, sub, mode)
    server = Probe(sandbox).start_student("server")
    server.expect_stdout(contains="started", within=5)
    server.process.wait_until(lambda: len(alive_with(marker)) == 2, 5)
    assert len(alive_with(marker)) == 2
    workdir = sandbox.workdir
    sandbox.close()
    assert alive_with(marker) == []
    assert not workdir.exists()


def alive_with(marker: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                cmdline = Path(f"/proc/{entry.name}/cmdline").read_bytes()
                state = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if marker.encode() in cmdline and state != "Z":
                found.append(int(entry.name))
    return found


def test_a_prompt_without_newline_is_answered_for_a_server(tmp_path, mode):
    sub = submission(tmp_path, """
        name = input('your name? ')
        reply = input('and your port? ')
        print(f'{name}:{reply}')
    """)
    with Sandbox(ECHO, sub, mode) as sandbox:
        server = Probe(sandbox).start_student("server", stdin=["ming", "8888"])
        server.expect_stdout(contains="ming:8888", within=5)
        assert [(t.prompt, t.line) for t in server.process.typed] == [("your name? ", "ming"), ("and your port? ", "8888")]


def test_waiting_for_input_is_reported(tmp_path, mode):
    sub = submission(tmp_path, "input('your name: ')\n")
    with Sandbox(ECHO, sub, mode) as sandbox:
        server = Probe(sandbox).start_student("server")
        with pytest.raises(CheckFailed) as failed:
            server.expect_exit(within=0.5)
    assert failed.value.kind == "did_not_exit"
    assert failed.value.params["prompt"] == "your name: "


def test_the_exercise_answers_its_declared_prompts_besides_the_checks_lines(tmp_path, mode):
    sub = submission(tmp_path, """
        ip = input('input server ip:')
        port = input('请输入服务器端口：')
        print(ip, port, input('>>'))
    """)
    with Sandbox(ECHO, sub, mode) as sandbox:
        server = Probe(sandbox).start_student("server", stdin=["hello"])
        server.expect_stdout(contains="127.0.0.1 8888 hello", within=5)
        assert [(t.prompt, t.line) for t in server.process.typed] == [
            ("input server ip:", "127.0.0.1"), ("请输入服务器端口：", "8888"), (">>", "hello")]


def test_output_is_capped_and_the_cut_is_counted():
    output = Output(cap=1000)
    for _ in range(100):
        output.add(b"x" * 100)
    assert len(output.head) + len(output.tail) == 1000
    assert output.dropped == 9000
    assert "[... 9000 bytes cut ...]" in output.text()


def test_a_flood_of_output_keeps_memory_bounded(tmp_path, mode):
    sub = submission(tmp_path, "while True:\n    print('spam' * 100)\n")
    with Sandbox(ECHO, sub, mode) as sandbox:
        server = Probe(sandbox).start_student("server")
        server.process.wait_until(lambda: server.process.stdout.dropped > 5_000_000, 20)
        stdout = server.process.stdout
        assert len(stdout.head) + len(stdout.tail) <= 256 * 1024
        assert stdout.dropped > 5_000_000


def test_the_handout_port_wins_over_a_helper_socket_bound_first(tmp_path, mode):
    sub = submission(tmp_path, """
        from socket import *
        log = socket(AF_INET, SOCK_DGRAM)
        log.bind(('127.0.0.1', 9999))
        s = socket(AF_INET, SOCK_DGRAM)
        s.bind(('0.0.0.0', 8888))
        while True:
            data, addr = s.recvfrom(4096)
            s.sendto(data, addr)
    """)
    with Sandbox(ECHO, sub, mode) as sandbox:
        probe = Probe(sandbox)
        probe.start_student("server").expect_listening("echo")
        probe.udp("echo").send("hi").expect_reply(equals="hi")
        assert sandbox.warnings == []


def test_students_run_on_a_bare_python_without_the_graders_packages(tmp_path, mode):
    sub = submission(tmp_path, """
        import importlib.util, sys
        print([name for name in ('grader', 'pytest', 'yaml') if importlib.util.find_spec(name)])
    """)
    with Sandbox(ECHO, sub, mode) as sandbox:
        server = Probe(sandbox).start_student("server")
        server.expect_exit(code=0, within=5)
        assert server.process.stdout.text().strip() == "[]"


@pytest.mark.skipif(browser.find_chromium() is None, reason="no Chromium here")
def test_a_browser_check_sees_the_picture_and_leaves_no_process_behind(tmp_path, mode):
    exercise = spec.load(ROOT / "exercises" / "http_image.yaml")
    sandbox = Sandbox(exercise, resolve(ROOT / "reference" / "http_image", exercise), mode)
    probe = Probe(sandbox)
    probe.start_student("server").expect_listening("web", within=5)
    probe.expect_browser_shows_image("web", "/", within=20)
    assert sandbox.steps[-1].note.params["width"] == 480
    sandbox.close()
    left = [(pid, Path(f"/proc/{pid}/stat").read_text()[:80]) for pid in descendants(os.getpid())
            if pid not in forkserver.running()]  # the fork server: kept for the next program
    assert left == []  # not a renderer, not a crash handler, not a zombie


@pytest.mark.skipif(not fsview.available(net.Loopback()), reason="no bubblewrap here")
def test_the_file_system_view_keeps_what_a_program_needs_even_under_tmp(tmp_path):
    """A checkout in /tmp (CI's clone may be there): its spy must stay visible; the rest of
    /tmp, and the project's references, must not."""
    needed, secret, workdir = tmp_path / "spy", tmp_path / "reference", tmp_path / "work"
    for folder in (needed, secret, workdir):
        folder.mkdir()
    (needed / "ok.txt").write_text("ok")
    (secret / "server.py").write_text("answer")
    script = "import os; print(open('%s').read(), os.path.exists('%s'))" % (needed / "ok.txt", secret / "server.py")
    gate = fsview.Gate(lambda pid: None)
    argv = fsview.View(workdir, (needed, Path(sys.base_prefix), Path(sys.prefix))).wrap([sys.executable, "-c", script], gate)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=gate.fds)
    gate.open(process)
    done = subprocess.CompletedProcess(argv, 0, *process.communicate(timeout=30))
    assert done.stdout.split() == ["ok", "False"], done.stderr


def gated(tmp_path: Path, on_ready, script: str) -> subprocess.CompletedProcess:
    """`script` run in bubblewrap's view behind a gate that calls `on_ready` with the sandbox's pid."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    gate = fsview.Gate(on_ready)
    argv = fsview.View(workdir, (Path(sys.base_prefix), Path(sys.prefix))).wrap([sys.executable, "-c", script], gate)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=gate.fds,
                               start_new_session=True)
    try:
        gate.open(process)
    finally:
        out, err = process.communicate(timeout=30)
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


def test_a_program_in_bubblewrap_runs_under_the_limits_set_while_it_waited(tmp_path):
    """The limits are set on bubblewrap's sandbox before the program's first line: the
    program and what it starts have them."""
    import resource

    seen = []

    def limit(pid):
        seen.append(pid)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (37, 37))

    script = "import resource, subprocess; print(resource.getrlimit(resource.RLIMIT_NOFILE)[0]); " \
             "subprocess.run(['sh', '-c', 'ulimit -n'])"
    done = gated(tmp_path, limit, script)
    assert done.stdout.split() == ["37", "37"], done.stderr
    assert len(seen) == 1 and seen[0] > 1


def test_a_program_whose_limits_cannot_be_set_never_runs(tmp_path):
    def refuse(pid):
        raise PermissionError("no control group")

    with pytest.raises(PermissionError):
        gated(tmp_path, refuse, f"open({str(tmp_path / 'ran')!r}, 'w')")
    assert not (tmp_path / "ran").exists()


def test_a_sandbox_that_fails_before_its_limits_ends_with_bubblewraps_error(tmp_path):
    """bubblewrap that cannot make the view ends on its own: its error is the program's, not
    the grader's (the sandbox was gone when its limits were to be set)."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    import resource

    gate = fsview.Gate(lambda pid: resource.prlimit(pid, resource.RLIMIT_NOFILE, (64, 64)))
    view = fsview.View(workdir, (Path(sys.base_prefix), Path(sys.prefix)),
                       read_only=((tmp_path / "missing.mp4", workdir / "film.mp4"),))
    argv = view.wrap([sys.executable, "-c", "print('ran')"], gate)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=gate.fds,
                               start_new_session=True)
    gate.open(process)
    out, err = process.communicate(timeout=30)
    assert process.returncode != 0 and out == "" and "missing.mp4" in err, (out, err)


@pytest.mark.parametrize("bubblewrap", ["1", "0"])
def test_a_large_file_is_shown_or_linked_not_copied_into_each_check(tmp_path, mode, bubblewrap, monkeypatch):
    from grader.copying import LARGE_BYTES, SharedFiles

    monkeypatch.setenv("NETGRADER_BUBBLEWRAP", bubblewrap)
    sub = submission(tmp_path, """
        import os
        print(os.path.getsize('day1/video.mp4'), open('day1/video.mp4', 'rb').read(4))
        try:
            open('day1/video.mp4', 'r+b').write(b'gone')
        except OSError as error:
            print('cannot write', error.errno)
    """)
    (sub.folder / "day1").mkdir()
    with open(sub.folder / "day1" / "video.mp4", "wb") as video:
        video.write(b"RIFF")
        video.truncate(LARGE_BYTES + 1)
    shared = SharedFiles()
    try:
        for _ in range(2):
            with Sandbox(ECHO, sub, mode, shared) as sandbox:
                process = sandbox.start_student("server")
                assert process.wait_exit(10)
                printed = process.stdout.text()
                assert f"{LARGE_BYTES + 1} b'RIFF'" in printed
                assert [w.key for w in sandbox.warnings] == ["warn.large_file"]
                placed = (sandbox.workdir / "day1" / "video.mp4").stat()
                if sandbox.confined:  # an empty stand-in on the host, the original shown over it, read-only
                    assert placed.st_size == 0 and ("cannot write 30" in printed or "cannot write 13" in printed)  # EROFS, or EACCES for the check's user
                else:  # one copy for the whole grading; made anew for the next check when a program wrote into it
                    assert placed.st_nlink == 2 and "cannot write" not in printed
    finally:
        shared.close()
    assert (sub.folder / "day1" / "video.mp4").read_bytes()[:4] == b"RIFF"  # the student's own file untouched


def test_the_agents_namespace_still_serves_where_the_grader_cannot_make_its_own(tmp_path):
    """As root the grader makes a check's namespace itself (net.OwnNamespace); elsewhere (a
    user who is not root, a container that refuses unshare) an agent process holds it."""
    from grader.services import Services

    if not netns_available():
        pytest.skip("network namespaces are not available here")
    sub = submission(tmp_path, (ROOT / "reference/udp_echo/server.py").read_text())
    with Services("netns") as services:
        services.networks._own_refused = True
        with Sandbox(ECHO, sub, services) as sandbox:
            assert type(sandbox.network).__name__ == "Namespace"
            probe = Probe(sandbox)
            probe.start_student("server").expect_listening("echo", within=5)
            probe.udp("echo").send("agent").expect_reply(equals="agent", within=5)
