"""Grade every reference and every broken submission N times, JOBS at once, and list each check
whose verdict (status and failure kind) was not the same every time.

    python tools/soak.py [N] [JOBS]          (make soak N=50 JOBS=8)

A verdict that varies is a defect to fix at its root (a race, a time limit too tight for a
loaded machine), never to retry away. Exits 1 when any varied, so CI can run a short soak.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_students import CONFINED, assemble, needs_bubblewrap  # noqa: E402  broken files plus the reference's others


def submissions(tmp: Path) -> list[tuple[str, Path]]:
    found = [(p.stem, ROOT / "reference" / p.stem) for p in sorted((ROOT / "exercises").glob("*.yaml"))]
    for expect in sorted((ROOT / "tests" / "students").glob("*/*/expect.yaml")):
        if CONFINED or not needs_bubblewrap(expect.parent):
            found.append((expect.parent.parent.name, assemble(expect.parent, tmp)))
    return found


def grade(exercise: str, folder: Path, out: Path) -> dict[str, tuple]:
    subprocess.run([sys.executable, "-m", "grader", "grade", exercise, str(folder), "--json", str(out), "--lang", "en"],
                   cwd=ROOT, capture_output=True, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    return {check["id"]: (check["status"], check.get("kind")) for check in report["checks"]}


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    tmp = Path(tempfile.mkdtemp(prefix="netgrader-soak-"))
    try:
        folders = submissions(tmp)
        work = [(exercise, folder, n) for n in range(rounds) for exercise, folder in folders]
        seen: dict[tuple, Counter] = defaultdict(Counter)
        started = time.monotonic()

        def run(item):
            exercise, folder, n = item
            out = tmp / f"{exercise}-{folder.name}-{n}.json"
            return exercise, folder.name, grade(exercise, folder, out)

        with ThreadPoolExecutor(jobs) as pool:
            for exercise, name, verdicts in pool.map(run, work):
                for check, verdict in verdicts.items():
                    seen[(exercise, name, check)][verdict] += 1
        varied = {key: counts for key, counts in seen.items() if len(counts) > 1}
        minutes = (time.monotonic() - started) / 60
        print(f"{len(work)} gradings ({rounds} rounds, {jobs} at once) in {minutes:.1f} min; "
              f"{len(seen)} check verdicts, {len(varied)} varied")
        for (exercise, name, check), counts in sorted(varied.items()):
            shown = ", ".join(f"{status}/{kind or '-'} ×{count}" for (status, kind), count in counts.most_common())
            print(f"  {exercise}/{name} {check}: {shown}")
        print(f"soak: {len(seen) - len(varied)} passed, {len(varied)} failed")  # a check verdict passes if steady
        return 1 if varied else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
