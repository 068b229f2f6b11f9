"""Paths of the student's computer, read from the source and recreated in the sandbox only:
which literals count as files, which get a fixture's bytes, and that the host is never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, STUDENTS, confined, grade_json
from grader.recreate import file_literals, plan
from test_students import assemble

SOURCE = """
from socket import *
path = '../day13/test_pool/三吉彩花.jpg'
out = '/home/tarena/FTP/new.jpg'
s = socket()
s.bind(('0.0.0.0', 8888))
head = 'HTTP/1.1 200 OK\\r\\nContent-Type: image/jpeg\\r\\n\\r\\n'
with open(path, 'rb') as f, open(out, mode='wb') as g:
    g.write(f.read())
open('zly.jpeg').read()
open('records.txt', 'a').write('x')
data = open('chat.txt').read().encode('utf-8')
import server
"""


def test_file_literals_are_the_names_of_files_with_how_they_are_opened():
    assert file_literals(SOURCE) == {
        "../day13/test_pool/三吉彩花.jpg": False,
        "/home/tarena/FTP/new.jpg": True,
        "zly.jpeg": False,
        "records.txt": True,
        "chat.txt": False,
    }
    assert file_literals("this is not python (") == {}


def test_names_built_from_literals_count_as_a_whole():
    source = """
import os
from pathlib import Path
BASE = '/home/tarena/FTP'
open(os.path.join(BASE, 'ggg.jpg'), 'rb')
open(BASE + '/x.png')
open(f'{BASE}/out.jpg', 'wb')
picture = Path(BASE) / 'z.jfif'
name = input('file? ')
open(name + '.jpg')
print(', '.join(['a', 'b']))
"""
    assert file_literals(source) == {"/home/tarena/FTP/ggg.jpg": False, "/home/tarena/FTP/x.png": False,
                                     "/home/tarena/FTP/out.jpg": True, "/home/tarena/FTP/z.jfif": False}


def test_plan_gives_pictures_a_fixture_and_outside_writes_a_folder(tmp_path):
    work = tmp_path / "netgrader-x"
    work.mkdir()
    image = tmp_path / "image.jpg"
    source = SOURCE + "open('new.jpg', 'rb')\nopen('/usr/share/a.png')\nopen('C:\\\\Users\\\\jj.jpg')\n"
    layout = plan([source], work, {image: ("*.jpg", "*.jpeg")}, {"new.jpg"}, outside=True)
    assert layout.files == {
        str(tmp_path / "day13/test_pool/三吉彩花.jpg"): image,
        str(work / "zly.jpeg"): image,
        str(work / "C:\\Users\\jj.jpg"): image,
    }  # not new.jpg (the check wants the program to write it), nor /usr (shown read-only), nor chat.txt
    assert layout.folders == {str(tmp_path / "day13/test_pool"), "/home/tarena/FTP"}
    assert layout.shown[str(work / "zly.jpeg")] == "zly.jpeg"

    inside_only = plan([source], work, {image: ("*.jpg", "*.jpeg")}, {"new.jpg"}, outside=False)
    assert set(inside_only.files) == {str(work / "zly.jpeg"), str(work / "C:\\Users\\jj.jpg")}
    assert inside_only.folders == set()


@pytest.mark.skipif(not confined(), reason="recreating a path of the student's computer needs bubblewrap")
def test_a_recreated_path_exists_only_in_the_sandbox(tmp_path):
    folder = assemble(STUDENTS / "tcp_upload" / "client-laptop-path", tmp_path)
    (folder / "client.py").write_text((folder / "client.py").read_text(encoding="utf-8").replace(
        "/home/tarena/下载/reba.jpeg", "/netgrader-test-laptop/下载/reba.jpeg"), encoding="utf-8")
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    code, report, text = grade_json("tcp_upload", folder, tmp_path, "--check", "client-sends-image",
                                    env={"TMPDIR": str(own_tmp)})
    assert code == 0 and "reads /netgrader-test-laptop/下载/reba.jpeg" in text, text
    assert not Path("/netgrader-test-laptop").exists()
    assert not list(own_tmp.iterdir())  # no folder of the check is left
    assert ROOT.exists()


def test_symlinks_of_a_submission_never_lead_out_of_the_sandbox(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.jpg").write_bytes(b"canary")
    folder = assemble(STUDENTS / "tcp_upload" / "client-own-picture", tmp_path)
    (folder / "image.jpg").symlink_to(outside / "victim.jpg")  # the fixture would be copied through it
    (folder / "pics").symlink_to(outside)  # a stand-in would be laid out through it
    (folder / "client.py").write_text((folder / "client.py").read_text(encoding="utf-8").replace(
        "zly.jpeg", "pics/zly.jpeg"), encoding="utf-8")
    (folder / "alias.txt").symlink_to(folder / "client.py")  # inside the submission: copied as a file
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    code, report, text = grade_json("tcp_upload", folder, tmp_path, "--check", "client-sends-image",
                                    env={"TMPDIR": str(own_tmp)})
    assert code == 0, text
    assert (outside / "victim.jpg").read_bytes() == b"canary"
    assert sorted(p.name for p in outside.iterdir()) == ["victim.jpg"]
