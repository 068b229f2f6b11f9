"""`grader gradescope EX --out autograder.zip`: the autograder a teacher uploads to Gradescope.

Gradescope unpacks the zip into /autograder/source, runs `setup.sh` once when it builds the
image, then `run_autograder` for every submission (the student's files in
/autograder/submission, the results expected in /autograder/results/results.json). The zip
carries this grader itself (its code, the course's exercises and references), so the image
needs nothing from outside but Debian's packages and the grader's Python dependencies:

- setup.sh installs the Debian packages the exercise uses (the sandbox's always; chromium for
  a browser check, mariadb-server for an exercise with a database), those not already there,
  then netgrader into a virtual environment of its own.
- run_autograder grades the submission as `grader grade` does (misnamed files found by reading
  them) and writes results.json; a submission that cannot be graded gets a results.json that
  says why, never an empty page. Where the container refuses namespaces the loopback fallback
  runs, and the output says so.
"""

from __future__ import annotations

import shlex
import stat
import zipfile
from pathlib import Path

from . import spec
from .errors import GraderError
from .exercises import PROJECT

ALWAYS = ("python3", "python3-venv", "util-linux", "iproute2", "bubblewrap")
SOURCES = ("pyproject.toml", "grader", "exercises", "reference")

SETUP = """\
#!/usr/bin/env bash
# Built by `grader gradescope {exercise}`: runs once, as root, when Gradescope builds the image.
set -euo pipefail
root="${{AUTOGRADER:-/autograder}}"
missing=()
for package in {packages}; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${{#missing[@]}} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${{missing[@]}}" >/dev/null
fi
python3 -m venv "$root/netgrader"
"$root/netgrader/bin/pip" install --quiet "$root/source/netgrader"
"""

RUN = """\
#!/usr/bin/env bash
# Built by `grader gradescope {exercise}`: grades one submission, writes results/results.json.
root="${{AUTOGRADER:-/autograder}}"
mkdir -p "$root/results"
cd "$root/source"
"$root/netgrader/bin/grader" grade {exercise} "$root/submission" --lang {lang} \\
  --gradescope "$root/results/results.json"
exit 0  # the verdict is in results.json; a non-zero status would read as the autograder failing
"""


def packages(exercise: spec.Exercise) -> list[str]:
    """The Debian packages grading this exercise uses."""
    needed = list(ALWAYS)
    if any(step.kind == "browser" for check in exercise.checks for step in check.steps):
        needed.append("chromium")
    if exercise.database is not None:
        needed.append("mariadb-server")
    return needed


def build(exercise: spec.Exercise, out: Path, lang: str) -> Path:
    """The autograder zip for `exercise`, written to `out`."""
    if not (PROJECT / "pyproject.toml").is_file():
        raise GraderError("grader gradescope packs the grader's own source: run it from a netgrader checkout")
    out.parent.mkdir(parents=True, exist_ok=True)
    executable = (stat.S_IFREG | 0o755) << 16
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            member = zipfile.ZipInfo(name)
            member.external_attr = executable
            member.compress_type = zipfile.ZIP_DEFLATED
            packed.writestr(member, text.format(exercise=shlex.quote(exercise.id), lang=lang,
                                                packages=" ".join(packages(exercise))))
        for name in SOURCES:
            path = PROJECT / name
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                if "__pycache__" not in file.parts:
                    packed.write(file, f"netgrader/{file.relative_to(PROJECT).as_posix()}")
        if exercise.path.resolve().parent != (PROJECT / "exercises").resolve():  # a teacher's own exercise
            for file in exercise.own_files():
                packed.write(file, f"netgrader/exercises/{file.relative_to(exercise.path.parent).as_posix()}")
    return out
