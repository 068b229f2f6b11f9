"""`grader gradescope EX`: the autograder zip, built, then run as Gradescope runs it (setup.sh
once, run_autograder per submission) under a folder standing in for /autograder: a misnamed
submission is graded as `grader grade` grades it, one that cannot be graded gets a
results.json that says why."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import zipfile

import pytest

from conftest import ROOT, run_grader

pytestmark = pytest.mark.timeout(600)


def test_the_autograder_grades_as_grader_grade_does_and_explains_what_it_cannot_grade(tmp_path):
    built = run_grader("gradescope", "udp_dict", "--out", str(tmp_path / "upload" / "autograder.zip"), "--lang", "en")
    assert built.returncode == 0, built.stderr
    assert "mariadb-server" in built.stdout and "chromium" not in built.stdout
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "upload" / "autograder.zip") as packed:
        names = packed.namelist()
        assert {"setup.sh", "run_autograder", "netgrader/pyproject.toml", "netgrader/exercises/udp_dict/dict.txt",
                "netgrader/reference/udp_dict/server.py"} <= set(names)
        assert all(packed.getinfo(name).external_attr >> 16 & stat.S_IXUSR for name in ("setup.sh", "run_autograder"))
        packed.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):  # as Gradescope unpacks them: executable
        (root / "source" / name).chmod(0o755)
    env = {**os.environ, "AUTOGRADER": str(root)}
    env.pop("NETGRADER_VIA_MAKE", None)
    setup = subprocess.run([str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True, timeout=400)
    assert setup.returncode == 0, setup.stdout + setup.stderr

    submission = root / "submission" / "作业"
    submission.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "students" / "udp_dict" / "keyerror-unknown-word" / "server.py", submission / "udp_server.py")
    shutil.copy(ROOT / "reference" / "udp_dict" / "client.py", submission / "客户端.py")
    graded = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=400)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    direct = run_grader("grade", "udp_dict", str(root / "submission"), "--lang", "en", "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert results["score"] == report["score"] == 10 and len(results["tests"]) == len(report["checks"]) == 12
    assert {t["name"].split(":")[0]: t["score"] for t in results["tests"]} == {c["id"]: c["score"] for c in report["checks"]}
    unknown = next(t for t in results["tests"] if t["name"].startswith("server-unknown-word"))
    assert unknown["status"] == "failed" and "KeyError" in unknown["output"] and direct.returncode == 1
    assert "graded 作业/udp_server.py as the server" in results["output"]

    shutil.rmtree(root / "submission")
    (root / "submission").mkdir()
    (root / "submission" / "notes.txt").write_text("I could not finish\n")
    empty = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=400)
    assert empty.returncode == 0
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and "holds no .py files; expected server.py, client.py" in results["output"]
