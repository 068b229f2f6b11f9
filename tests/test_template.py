"""The assignment repository a teacher copies (templates/assignment/): its GitHub workflow and
its GitLab job, run on this machine the way the runners would run them (no GitHub or GitLab
needed): the YAML is read and its commands run in a temporary git repository holding a sample
assignment, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY set; what they produce is checked.
The machine-setup commands (`sudo apt-get`, `sudo sysctl`; apt-get in the GitLab image) are
the only ones not run: they need root and the network, and this machine has those packages."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import ROOT, STUDENTS, checkout_copy
from test_students import assemble

pytestmark = pytest.mark.timeout(600)
TEMPLATE = ROOT / "templates" / "assignment"


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    """A runner's fresh Python (a virtual environment of its own, first on PATH) and the course."""
    tmp = tmp_path_factory.mktemp("runner")
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "python")], check=True)
    return {"PATH": f"{tmp / 'python' / 'bin'}{os.pathsep}{os.environ['PATH']}", "NETGRADER_SOURCE": str(checkout_copy(tmp))}


def assignment(tmp):
    """A student's repository: the template, udp_echo done right, udp_dict with a crash, notes."""
    repo = tmp / "assignment"
    shutil.copytree(TEMPLATE, repo)
    shutil.copytree(ROOT / "reference" / "udp_echo", repo / "udp_echo")
    shutil.copytree(assemble(STUDENTS / "udp_dict" / "keyerror-unknown-word", tmp), repo / "udp_dict")
    (repo / "notes").mkdir()
    (repo / "notes" / "todo.txt").write_text("finish udp_dict\n")
    for command in (["git", "init", "-q"], ["git", "add", "."],
                    ["git", "-c", "user.name=s", "-c", "user.email=s@example.edu", "commit", "-qm", "homework"]):
        subprocess.run(command, cwd=repo, check=True)
    return repo


def run(command: str, repo, env) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-c", command], cwd=repo, env=env, capture_output=True, text=True, timeout=400)


def machine_setup(command: str) -> bool:
    return command.lstrip().startswith(("sudo ", "apt-get "))


def test_the_github_workflow_grades_each_exercise_folder_for_classroom(tmp_path, runner):
    repo = assignment(tmp_path)
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "classroom.yml").read_text())
    job = workflow["jobs"]["grade"]
    outputs, summary = tmp_path / "github_output", tmp_path / "step_summary.md"
    env = {**os.environ, **job["env"], **runner, "GITHUB_ACTIONS": "true", "CI": "true",
           "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary)}
    env.pop("NETGRADER_VIA_MAKE", None)
    ran, logs = [], {}
    for step in job["steps"]:
        if "run" not in step or machine_setup(step["run"]):
            continue
        done = run(step["run"], repo, env)
        ran.append(step.get("name"))
        logs[step.get("id") or step.get("name")] = done
        if step.get("id") != "grade":
            assert done.returncode == 0, done.stdout + done.stderr
    assert ran == ["Install netgrader", "Grade"]
    grade = logs["grade"]
    assert grade.returncode == 1, grade.stdout + grade.stderr  # udp_dict fails a required check
    assert "::error file=udp_dict/server.py,line=17,title=server-unknown-word::server.py 崩溃了：KeyError" in grade.stdout
    assert grade.stdout.rstrip().endswith("通过\n11 passed, 0 failed")  # udp_echo's, in the language the job asked for

    lines = [line for line in outputs.read_text().splitlines() if line.startswith("result=")]
    result = json.loads(base64.b64decode(lines[-1].removeprefix("result=")))  # one result for both exercises
    names = [test["name"].split("/")[0] for test in result["tests"]]
    assert sorted(set(names)) == ["udp_dict", "udp_echo"] and result["status"] == "fail"
    echo = json.loads((repo / "reports" / "udp_echo.json").read_text(encoding="utf-8"))
    words = json.loads((repo / "reports" / "udp_dict.json").read_text(encoding="utf-8"))
    assert result["max_score"] == echo["max_score"] + words["max_score"]
    assert sum(test["score"] for test in result["tests"]) == echo["score"] + words["score"]
    assert "Points" in grade.stdout

    page = summary.read_text(encoding="utf-8")
    assert page.count("### ") == 2 and "`server-unknown-word`" in page
    assert sorted(p.name for p in (repo / "reports").iterdir()) == [
        f"{exercise}.{kind}" for exercise in ("udp_dict", "udp_echo") for kind in ("html", "json", "junit.xml", "txt")]
    page = (repo / "reports" / "udp_dict.html").read_text(encoding="utf-8")
    assert "KeyError" in page and 'id="histogram"' not in page and 'id="copied"' not in page  # one student's page
    assert words["lang"] == "zh" and "崩溃了" in (repo / "reports" / "udp_dict.txt").read_text(encoding="utf-8")
    uploaded = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact"))
    assert uploaded["with"]["path"] == "reports/"
    reporter = next(step for step in job["steps"] if "autograding-grading-reporter" in step.get("uses", ""))
    assert reporter["with"]["runners"] == "netgrader" and "steps.grade.outputs.result" in reporter["env"]["NETGRADER_RESULTS"]


def test_the_gitlab_job_grades_into_a_junit_report(tmp_path, runner):
    repo = assignment(tmp_path)
    job = yaml.safe_load((repo / ".gitlab-ci.yml").read_text())["grade"]
    env = {**os.environ, **job["variables"], **runner, "GITLAB_CI": "true", "CI": "true"}
    env.pop("NETGRADER_VIA_MAKE", None)
    for command in job["before_script"]:
        if not machine_setup(command):
            done = run(command, repo, env)
            assert done.returncode == 0, done.stdout + done.stderr
    done = run(" && ".join(job["script"]), repo, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert job["artifacts"]["reports"]["junit"] == "reports/*.junit.xml"
    suites = {}
    for path in sorted((repo / "reports").glob("*.junit.xml")):
        suite = ET.parse(path).getroot().find("testsuite")
        suites[suite.get("name")] = (suite.get("tests"), suite.get("failures"))
    assert set(suites) == {"udp_echo", "udp_dict"} and suites["udp_echo"][1] == "0" and suites["udp_dict"][1] != "0"


def test_a_student_grades_locally_with_the_templates_makefile(tmp_path, runner):
    repo = assignment(tmp_path)
    env = {**os.environ, **runner}
    for name in ("NETGRADER_VIA_MAKE", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"):  # a student's shell, not `make test`'s
        env.pop(name, None)
    done = subprocess.run(["make", "grade", "EX=udp_echo", "GRADE_LANG=en"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=400)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("passed\n11 passed, 0 failed")
