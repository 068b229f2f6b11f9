"""Installed as CI installs it: a plain (not editable) `pip install` carries every exercise, its
fixtures and its reference programs, so `grader list` and `grader grade` work from any folder;
a teacher's own exercises are found with `--exercises DIR` or $NETGRADER_EXERCISES."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig

import pytest

from conftest import ROOT, checkout_copy
from test_ci_formats import EXERCISE, SHOUTS

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The project pip-installed into a folder of its own, from a copy of the checkout."""
    tmp = tmp_path_factory.mktemp("install")
    source = checkout_copy(tmp)
    target = tmp / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                           str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return target


def run_installed(target, *args, cwd, env=None):
    """The installed grader, with this environment's dependencies but not its editable checkout
    (-S: no .pth files; the dependencies' folder is named after the installed copy)."""
    path = os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])
    environment = {**os.environ, "PYTHONPATH": path, **(env or {})}
    environment.pop("NETGRADER_VIA_MAKE", None)
    return subprocess.run([sys.executable, "-S", "-m", "grader", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=240)


def test_a_plain_install_carries_the_course(installed, tmp_path):
    path = os.pathsep.join([str(installed), sysconfig.get_paths()["purelib"]])
    imported = subprocess.run([sys.executable, "-S", "-c", "import grader; print(grader.__file__)"], cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": path}, capture_output=True, text=True)
    assert imported.stdout.strip() == str(installed / "grader" / "__init__.py")  # not this checkout
    where = run_installed(installed, "list", cwd=tmp_path)  # no exercises/ here, no checkout
    assert where.returncode == 0, where.stderr
    assert len(where.stdout.splitlines()) == len(list((ROOT / "exercises").glob("*.yaml"))) == 13
    course = installed / "grader" / "course"
    assert (course / "exercises" / "udp_dict" / "dict.txt").is_file() and (course / "exercises" / "tcp_upload" / "image.jpg").is_file()
    graded = run_installed(installed, "grade", "udp_dict", str(course / "reference" / "udp_dict"), "--lang", "en",
                           cwd=tmp_path)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert str(course) in graded.stdout and graded.stdout.rstrip().endswith("12 passed, 0 failed")


def test_a_teachers_own_exercises_are_found_in_their_folder(installed, tmp_path):
    own = tmp_path / "my-course"
    own.mkdir()
    (own / "demo.yaml").write_text(EXERCISE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "server.py").write_text(SHOUTS, encoding="utf-8")
    by_option = run_installed(installed, "grade", "demo", "sub", "--exercises", str(own), "--lang", "en", cwd=tmp_path)
    assert by_option.returncode == 1 and "5/8 points" in by_option.stdout, by_option.stdout + by_option.stderr
    by_variable = run_installed(installed, "list", cwd=tmp_path, env={"NETGRADER_EXERCISES": str(own)})
    assert by_variable.stdout.startswith("demo ")
    missing = run_installed(installed, "list", "--exercises", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (2, f"grader: --exercises {tmp_path / 'nowhere'}: no such folder")
