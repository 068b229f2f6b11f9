"""How fast netgrader grades, against the physical floor and against the usual course harness.

    python bench/run.py [--reps 5] [--batch 300] [--jobs 1,2,4,8] [--only udp_echo,...] [--parts 1,5,...]
    make bench

Measured in one run, on this machine, and printed as a table (also written to
bench/results.json). Medians over `--reps` repetitions.

1. Each exercise's reference solution graded by the CLI (what `make grade` runs), next to its
   floor: the same number of bare Python processes started one after another as the checks
   start, plus the same number of loopback round trips as the checks' exchanges. pytest's own
   start-up and the grader's are printed on their own lines.
2. A server that never replies: the time to the verdict of one `reply` step (the step's limit
   is 2 s; the aim is at most 2.3 s).
3. The same checks written the way courses write them: pytest, `subprocess.Popen`, then
   `time.sleep(1)` before probing, one test per check. The ratio netgrader / that harness.
4. udp_dict's MySQL service (grader/database.py): a private MariaDB's start-up (copying the data
   directory made once per machine, starting mariadbd, connecting), loading the exercise's
   4,660 words, and the per-write check a check pays; then the same checks graded on a server
   that reads dict.txt (the reference) and on one that asks MySQL (tests/students/udp_dict/
   mysql-lookup): the grading and the median server check, side by side.
5. A class of `--batch` udp_dict submissions as teachers collect them (the reference, every
   broken one, misnamed copies in a day folder, zips with GBK names), graded by `grader batch`
   with 1, 2, 4 and 8 warm workers: gradings per minute, CPU seconds per grading (the batch and
   everything it started, from a CPU accounting control group: the figure to project onto more
   cores; next to it what wait4 sees, and the workers' own part) and the peak memory of a worker.
6. A warm worker: the 13 references and the first broken submission of each exercise graded
   one after another in one process through the library (grader.engine.Grader, one per
   exercise, kept open), next to the same gradings through the CLI, one process each.
7. The isolation of one check on its own: a sandbox opened, a program that imports socket and
   ends started in it (namespace, control group, the fork server or bubblewrap, limits, spy) and
   waited for, the sandbox closed; next to the same program run bare by the students' Python.

Run it alone: other load on the machine changes every figure. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from grader import spec  # noqa: E402
from grader.student_python import student_python  # noqa: E402
from test_students import assemble, needs_bubblewrap  # noqa: E402  broken files plus the reference's others

EXCHANGES = ("send", "get", "upload", "connect")  # steps that cost a loopback round trip or more


def median_time(run, reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def grade(exercise: str, folder: Path, out: Path, *extra: str) -> tuple[dict, int]:
    """One grading through the CLI; the JSON report and the grader's peak memory (KiB)."""
    process = subprocess.Popen([sys.executable, "-m", "grader", "grade", exercise, str(folder), "--json", str(out),
                                "--lang", "en", *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return json.loads(out.read_text(encoding="utf-8")), usage.ru_maxrss


# ---------------------------------------------------------------- 1. reference vs floor

def workload(report: dict) -> tuple[int, int]:
    """How many student processes the checks started, and how many exchanges they made."""
    processes = sum(len(check["processes"]) for check in report["checks"])
    exchanges = sum(step["kind"] in EXCHANGES for check in report["checks"] for step in check["steps"])
    return processes, exchanges


def floor(processes: int, exchanges: int) -> None:
    """Start `processes` bare Pythons (the students' interpreter) one after another and make
    `exchanges` UDP round trips over loopback: what no grader can beat."""
    python = student_python()
    for _ in range(processes):
        subprocess.run([python, "-c", "pass"], check=True)
    echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    echo.bind(("127.0.0.1", 0))
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def serve():
        for _ in range(exchanges):
            data, address = echo.recvfrom(2048)
            echo.sendto(data, address)

    thread = threading.Thread(target=serve)
    thread.start()
    for _ in range(exchanges):
        client.sendto(b"hello", echo.getsockname())
        client.recvfrom(2048)
    thread.join()
    echo.close()
    client.close()


def startup_lines(reps: int, tmp: Path) -> dict:
    empty = tmp / "empty"
    empty.mkdir(exist_ok=True)
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    pytest_alone = median_time(lambda: subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(empty)], cwd=empty, env=env,
        stdout=subprocess.DEVNULL), reps)
    grader_list = median_time(lambda: subprocess.run([sys.executable, "-m", "grader", "list"], cwd=ROOT,
                                                     stdout=subprocess.DEVNULL), reps)
    return {"pytest_startup_s": pytest_alone, "grader_list_s": grader_list}


# ---------------------------------------------------------------- 3. the usual harness

def baseline_tests(exercise: spec.Exercise, folder: Path) -> str:
    """A pytest file as courses write it: per check, Popen the scripts it starts, sleep(1),
    then probe over loopback as many times as the check exchanges, and kill."""
    tests = [textwrap.dedent(f'''\
        import socket, subprocess, sys, time
        FOLDER = {str(folder)!r}

        def start(script, lines=()):
            p = subprocess.Popen([sys.executable, script], cwd=FOLDER, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if lines:
                p.stdin.write(("\\n".join(lines) + "\\n").encode()); p.stdin.flush()
            return p

        def probe(proto, port, times):
            for _ in range(times):
                if proto == "udp":
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
                    s.sendto(b"hello", ("127.0.0.1", port))
                else:
                    s = socket.create_connection(("127.0.0.1", port), timeout=2)
                    s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n" if port == 8000 else b"hello")
                try:
                    s.recv(65536)
                except OSError:
                    pass
                s.close()

        def peer(proto, port):
            kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
            s = socket.socket(socket.AF_INET, kind); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            if proto == "tcp":
                s.listen(5)
            return s
        ''')]
    (name, port), = list(exercise.ports.items())[:1] or [(None, None)]
    for check in exercise.checks:
        roles = [step.args["student"] for step in check.steps if step.kind == "start"]
        exchanges = sum(step.kind in EXCHANGES for step in check.steps)
        lines = [line for step in check.steps if step.kind == "start" for line in step.args.get("stdin", ())]
        body = [f"def test_{check.id.replace('-', '_')}():"]
        if "server" not in roles and port is not None:
            body.append(f"    listener = peer({port.proto!r}, {port.port})")
        for role in dict.fromkeys(roles):
            body.append(f"    p_{role} = start({str(folder / exercise.files[role])!r}, {lines!r})")
        body.append("    time.sleep(1)  # wait for the server to start")
        if "server" in roles and port is not None and exchanges:
            body.append(f"    probe({port.proto!r}, {port.port}, {exchanges})")
        for role in dict.fromkeys(roles):
            body.append(f"    p_{role}.kill(); p_{role}.communicate()")
        if "server" not in roles and port is not None:
            body.append("    listener.close()")
        tests.append("\n".join(body) + "\n")
    return "\n\n".join(tests)


def baseline(exercise: spec.Exercise, folder: Path, tmp: Path, reps: int) -> float:
    for fixture in exercise.fixtures:
        shutil.copy(exercise.fixture_dir / fixture, folder / fixture)
    test_file = tmp / f"test_baseline_{exercise.id}.py"
    test_file.write_text(baseline_tests(exercise, folder), encoding="utf-8")
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return median_time(lambda: subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                               str(test_file)], cwd=tmp, env=env, stdout=subprocess.DEVNULL), reps)


# ---------------------------------------------------------------- 2. a silent server

SILENT = """from socket import *
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('0.0.0.0', 8888))
while True:
    s.recvfrom(1024)
"""


def silent_verdict(tmp: Path, reps: int) -> dict:
    folder = tmp / "silent"
    folder.mkdir(exist_ok=True)
    (folder / "server.py").write_text(SILENT, encoding="utf-8")
    shutil.copy(ROOT / "reference" / "udp_echo" / "client.py", folder / "client.py")
    steps = []
    for n in range(reps):
        report, _ = grade("udp_echo", folder, tmp / f"silent-{n}.json", "--check", "server-echoes")
        check = next(c for c in report["checks"] if c["id"] == "server-echoes")
        steps.append(next(s["elapsed"] for s in check["steps"] if s["status"] == "failed"))
    return {"step_limit_s": 2.0, "verdict_after_s": statistics.median(steps)}


# ---------------------------------------------------------------- 4. the database service

def database_costs(tmp: Path, reps: int) -> dict:
    from grader import database

    reason = database.unavailable()
    if reason is not None:
        return {"skipped": reason}
    exercise = spec.load(ROOT / "exercises" / "udp_dict.yaml")
    costs: dict[str, list[float]] = {"start_s": [], "load_s": [], "unchanged_s": []}
    for _ in range(reps):
        started = time.perf_counter()
        server = database.Server(*database.binaries())
        loading = time.perf_counter()
        server.prepare(exercise.database, exercise.fixture_dir)
        checking = time.perf_counter()
        server.prepare(exercise.database, exercise.fixture_dir)
        done = time.perf_counter()
        server.stop()
        for key, value in zip(costs, (loading - started, checking - loading, done - checking)):
            costs[key].append(value)
    row = {key: statistics.median(values) for key, values in costs.items()}
    mysql = assemble(ROOT / "tests" / "students" / "udp_dict" / "mysql-lookup", tmp / "database")
    for name, folder in (("dict_txt", ROOT / "reference" / "udp_dict"), ("mysql", mysql)):
        gradings, checks = [], []
        for n in range(reps):
            started = time.perf_counter()
            report, _ = grade("udp_dict", folder, tmp / f"db-{name}-{n}.json")
            gradings.append(time.perf_counter() - started)
            checks += [c["duration"] for c in report["checks"] if c["id"].startswith("server-")]
        row[f"{name}_grade_s"] = statistics.median(gradings)
        row[f"{name}_server_check_s"] = statistics.median(checks)
    return row


# ---------------------------------------------------------------- 5. a class through `grader batch`

def make_class(tmp: Path, size: int) -> Path:
    """`size` udp_dict submissions as a class hands them in: the reference, every broken one,
    misnamed copies of the reference (服务端.py, 客户端.py in a day folder), and zips of
    both kinds (GBK names without the UTF-8 flag), repeated under student ids."""
    import zipfile

    class GbkName(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):
            return self.filename.encode("gbk"), self.flag_bits

    reference = ROOT / "reference" / "udp_dict"
    kinds = [("folder", reference)] + [("folder", assemble(e.parent, tmp / "broken"))
                                       for e in sorted((ROOT / "tests" / "students" / "udp_dict").glob("*/expect.yaml"))
                                       if not needs_bubblewrap(e.parent)]
    kinds += [("misnamed", reference), ("zip", reference), ("zip", kinds[1][1])]
    room = tmp / f"class-{size}"
    room.mkdir()
    for n in range(size):
        kind, folder = kinds[n % len(kinds)]
        student = f"s{n:04d}"
        if kind == "folder":
            shutil.copytree(folder, room / student)
        elif kind == "misnamed":
            (room / student / "day13").mkdir(parents=True)
            shutil.copy(folder / "server.py", room / student / "day13" / "服务端.py")
            shutil.copy(folder / "client.py", room / student / "day13" / "客户端.py")
        else:
            with zipfile.ZipFile(room / f"{student}.zip", "w") as zipped:
                for path in sorted(folder.iterdir()):
                    if path.is_file():
                        zipped.writestr(GbkName(f"作业/{path.name}"), path.read_bytes())
    return room


def batch(tmp: Path, size: int, jobs_list: list[int]) -> list[dict]:
    room = make_class(tmp, size)
    rows = []
    for jobs in jobs_list:
        out = tmp / f"graded-{size}-{jobs}"
        command = [sys.executable, "-m", "grader", "batch", "udp_dict", str(room), "--out", str(out),
                   "--jobs", str(jobs), "--lang", "en"]
        with CpuMeter() as meter:
            started = time.perf_counter()
            process = subprocess.Popen(meter.wrap(command), cwd=ROOT, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            minutes = (time.perf_counter() - started) / 60
        logs = [line for log in (out / "logs").glob("*.log") for line in log.read_text(errors="replace").splitlines()]
        peaks = [int(line.split()[-2]) for line in logs if line.startswith("worker peak memory:")]
        own = sum(float(line.split()[2]) for line in logs if line.startswith("worker cpu:"))
        rows.append({"jobs": jobs, "gradings": size, "per_minute": size / minutes,
                     "cpu_s_per_grading": meter.seconds / size, "cpu_measured_by": meter.source,
                     "waited_cpu_s_per_grading": (usage.ru_utime + usage.ru_stime) / size,
                     "worker_own_cpu_s_per_grading": own / size,
                     "peak_mib_per_worker": max(peaks, default=0) / 1024, "status": os.waitstatus_to_exitcode(status)})
    return rows


class CpuMeter:
    """The CPU time of a command and of everything it starts. wait4 does not see it all: a
    student's program runs under bubblewrap's own init, which reaps it without passing its
    time on (measured: a program of 22 ms of CPU shows as 1.7). So the command runs in a CPU
    accounting control group of its own (cgroup v1's cpuacct or v2's cpu.stat; root), else the
    machine's busy time is read from /proc/stat (then run nothing else meanwhile)."""

    def __enter__(self):
        self.group, self.source, self.seconds = None, "/proc/stat (the whole machine)", 0.0
        own = {line.split(":")[1]: line.split(":", 2)[2] for line in Path("/proc/self/cgroup").read_text().splitlines()}
        for controllers, base, usage in (("cpuacct", "/sys/fs/cgroup/cpuacct", "cpuacct.usage"),
                                         ("cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "cpuacct.usage"),
                                         ("", "/sys/fs/cgroup", "cpu.stat")):
            parent = Path(base, own[controllers].lstrip("/")) if controllers in own else None
            if parent is not None and (parent / usage).exists():
                group = parent / f"netgrader-bench-{os.getpid()}"
                try:
                    group.mkdir()
                except OSError:
                    continue
                self.group, self.usage, self.source = group, group / usage, f"a control group ({usage})"
                break
        self.before = self._now()
        return self

    def wrap(self, command: list[str]) -> list[str]:
        if self.group is None:
            return command
        return ["sh", "-c", f'echo $$ > "{self.group}/cgroup.procs" && exec "$@"', "sh", *command]

    def _now(self) -> float:
        if self.group is not None:
            text = self.usage.read_text()
            if self.usage.name == "cpu.stat":
                return int(text.split("usage_usec")[1].split()[0]) / 1e6
            return int(text) / 1e9
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait

    def __exit__(self, *exc):
        self.seconds = self._now() - self.before
        if self.group is not None:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    self.group.rmdir()
                    break
                except OSError:
                    time.sleep(0.05)  # its last processes are still being torn down


# ---------------------------------------------------------------- 6. a warm worker

WARM_WORKER = """
import json, sys, time
from grader.engine import Grader

graders, times = {}, []
for exercise, folder in json.loads(sys.argv[1]):
    started = time.perf_counter()
    if exercise not in graders:
        graders[exercise] = Grader(exercise)
    graders[exercise].grade(folder)
    times.append(time.perf_counter() - started)
for grader in graders.values():
    grader.close()
print(json.dumps(times))
"""


def warm_worker(tmp: Path, exercises: list) -> dict:
    work = []
    for exercise in exercises:
        work.append((exercise.id, str(ROOT / "reference" / exercise.id)))
        broken = sorted(e.parent for e in (ROOT / "tests" / "students" / exercise.id).glob("*/expect.yaml")
                        if not needs_bubblewrap(e.parent))
        if broken:
            work.append((exercise.id, str(assemble(broken[0], tmp / "warm"))))
    done = subprocess.run([sys.executable, "-c", WARM_WORKER, json.dumps(work)], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    warm = json.loads(done.stdout)
    cli = []
    for n, (exercise, folder) in enumerate(work):
        started = time.perf_counter()
        grade(exercise, Path(folder), tmp / f"warm-cli-{n}.json")
        cli.append(time.perf_counter() - started)
    ratios = [w / c for w, c in zip(warm, cli)]
    return {"gradings": len(work), "warm_median_s": statistics.median(warm), "cli_median_s": statistics.median(cli),
            "warm_total_s": sum(warm), "cli_total_s": sum(cli), "median_ratio": statistics.median(ratios),
            "first_of_exercise_s": statistics.median(warm[i] for i, job in enumerate(work)
                                                     if all(other[0] != job[0] for other in work[:i]))}


# ---------------------------------------------------------------- 7. the isolation of one check

def isolation(tmp: Path, reps: int) -> dict:
    from grader.sandbox import Sandbox
    from grader.services import Services
    from grader.submission import resolve

    exercise = spec.load(ROOT / "exercises" / "udp_echo.yaml")
    folder = tmp / "isolation"
    folder.mkdir()
    (folder / "server.py").write_text("import socket\n", encoding="utf-8")
    (folder / "client.py").write_text("import socket\n", encoding="utf-8")
    submission = resolve(folder, exercise)
    python = student_python()

    def check(services):
        with Sandbox(exercise, submission, services) as sandbox:
            sandbox.start_student("server").wait_exit(10)

    def bare():
        subprocess.run([python, "-u", "server.py"], cwd=folder, check=True)

    with Services() as services:
        check(services)  # the first namespace is made before the loop: the rest are made ahead
        rounds = [(median_time(lambda: check(services), 1), median_time(bare, 1)) for _ in range(reps * 6)]
        with Sandbox(exercise, submission, services) as sandbox:
            level = f"{sandbox.network.isolation}{' + ' + sandbox.confinement if sandbox.confined else ''}, " \
                    f"{'control groups' if sandbox.limits.contained else 'rlimits'}"
    checked = statistics.median(r[0] for r in rounds)
    bare_run = statistics.median(r[1] for r in rounds)
    return {"check_s": checked, "bare_s": bare_run, "overhead_s": checked - bare_run, "level": level,
            "rounds": len(rounds)}


# ---------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--batch", type=int, default=300)
    parser.add_argument("--jobs", default="1,2,4,8")
    parser.add_argument("--only", default="", help="exercises to time (default: all)")
    parser.add_argument("--parts", default="1,2,3,4,5,6,7", help="which parts to run (results.json keeps the others')")
    args = parser.parse_args()
    parts = {int(part) for part in args.parts.split(",")}
    exercises = [spec.load(p) for p in sorted((ROOT / "exercises").glob("*.yaml"))
                 if not args.only or p.stem in args.only.split(",")]
    results: dict = {"machine": machine(), "reps": args.reps}
    compileall.compile_dir(str(ROOT / "grader"), quiet=1)  # as a user's Python would have cached them
    tmp = Path(tempfile.mkdtemp(prefix="netgrader-bench-"))
    try:
        if parts & {1, 3}:
            part_1_and_3(results, exercises, tmp, args.reps)
        if 2 in parts:
            results["silent_server"] = silent_verdict(tmp, args.reps)
            save(results)
            print(f"a server that never replies: verdict after {results['silent_server']['verdict_after_s']:.2f} s "
                  f"(the step's limit: 2.0 s)")
        if 4 in parts:
            part_4(results, tmp, args.reps)
        if 7 in parts:
            iso = results["isolation"] = isolation(tmp, args.reps)
            print(f"one check's isolation ({iso['level']}): {iso['check_s'] * 1000:.1f} ms for a program that imports "
                  f"socket, {iso['bare_s'] * 1000:.1f} ms bare: {iso['overhead_s'] * 1000:.1f} ms of isolation "
                  f"(median of {iso['rounds']})")
            save(results)
        if 6 in parts:
            warm = results["warm_worker"] = warm_worker(tmp, exercises)
            print(f"warm worker, {warm['gradings']} gradings one after another: median {warm['warm_median_s']:.2f} s a "
                  f"grading vs {warm['cli_median_s']:.2f} s through the CLI (median ratio {warm['median_ratio']:.2f}; "
                  f"totals {warm['warm_total_s']:.1f} s vs {warm['cli_total_s']:.1f} s)")
            save(results)
        if 5 in parts:
            results["batch"] = batch(tmp, args.batch, [int(j) for j in args.jobs.split(",")])
            for row in results["batch"]:
                print(f"grader batch, a class of {row['gradings']} udp_dict submissions, {row['jobs']} workers: "
                      f"{row['per_minute']:6.1f} gradings/min, {row['cpu_s_per_grading']:.2f} CPU s a grading "
                      f"({row['worker_own_cpu_s_per_grading']:.2f} the workers' own, "
                      f"{row['waited_cpu_s_per_grading']:.2f} seen by wait4), "
                      f"peak {row['peak_mib_per_worker']:.0f} MiB a worker")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    save(results)
    return 0


def part_1_and_3(results: dict, exercises: list, tmp: Path, reps: int) -> None:
    """Each reference through the CLI, against its floor and against the usual harness."""
    results.update(startup_lines(reps, tmp))
    results["exercises"] = []
    print(f"{'exercise':<12} {'grade s':>8} {'floor s':>8} {'ratio':>6} {'baseline s':>11} {'vs baseline':>12}"
          f"  (processes, exchanges)")
    for exercise in exercises:
        folder = ROOT / "reference" / exercise.id
        report, _ = grade(exercise.id, folder, tmp / f"{exercise.id}.json")
        processes, exchanges = workload(report)
        graded = median_time(lambda: grade(exercise.id, folder, tmp / f"{exercise.id}.json"), reps)
        floored = median_time(lambda: floor(processes, exchanges), reps)
        usual = baseline(exercise, shutil.copytree(folder, tmp / "baseline" / exercise.id), tmp, reps)
        row = {"exercise": exercise.id, "grade_s": graded, "floor_s": floored, "ratio": graded / floored,
               "baseline_s": usual, "vs_baseline": graded / usual, "processes": processes, "exchanges": exchanges}
        results["exercises"].append(row)
        print(f"{exercise.id:<12} {graded:8.2f} {floored:8.2f} {row['ratio']:6.1f} {usual:11.2f} "
              f"{row['vs_baseline']:12.2f}  ({processes}, {exchanges})")
        save(results)
    print(f"pytest start-up alone: {results['pytest_startup_s']:.2f} s; `grader list`: {results['grader_list_s']:.2f} s")


def part_4(results: dict, tmp: Path, reps: int) -> None:
    db = results["database"] = database_costs(tmp, reps)
    if "skipped" in db:
        print(f"udp_dict with MySQL: skipped ({db['skipped']})")
    else:
        print(f"udp_dict with MySQL: MariaDB starts in {db['start_s']:.2f} s, loads the words in {db['load_s']:.3f} s, "
              f"{db['unchanged_s'] * 1000:.1f} ms per check to see nothing was written; grading "
              f"{db['dict_txt_grade_s']:.2f} s on dict.txt, {db['mysql_grade_s']:.2f} s on MySQL; "
              f"a server check {db['dict_txt_server_check_s']:.3f} s vs {db['mysql_server_check_s']:.3f} s")
    save(results)


def save(results: dict) -> None:
    """Written after each part: a run cut short keeps what it measured, and a run of some
    parts keeps the others' figures (each part's own `machine` date tells when it ran)."""
    path = ROOT / "bench" / "results.json"
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    path.write_text(json.dumps({**kept, **results}, indent=2) + "\n", encoding="utf-8")


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": memory, "python": sys.version.split()[0],
            "date": time.strftime("%Y-%m-%d")}


if __name__ == "__main__":
    sys.exit(main())
