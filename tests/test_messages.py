"""Both languages say everything, every failure kind has a message and a hint, and every
step kind of the YAML language has a runner and a transcript line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader import spec, steps
from grader.errors import FAILURE_KINDS, CheckFailed
from grader.i18n import en, tr, zh
from grader.results import show_bytes

GRADER = Path(__file__).resolve().parent.parent / "grader"


def test_chinese_and_english_have_the_same_keys_and_placeholders():
    assert set(en.MESSAGES) == set(zh.MESSAGES)
    for key, text in en.MESSAGES.items():
        assert set(re.findall(r"{(\w+)", text)) >= set(re.findall(r"{(\w+)", zh.MESSAGES[key])), key


def test_every_failure_kind_has_a_message_and_a_hint_in_both_languages():
    assert len(set(FAILURE_KINDS)) == len(FAILURE_KINDS) > 60
    for kind in FAILURE_KINDS:
        for catalog in (en.MESSAGES, zh.MESSAGES):
            assert catalog.get(f"fail.{kind}"), kind
            assert f"hint.{kind}" in catalog, kind
    listed = {key.removeprefix("fail.") for key in en.MESSAGES if key.startswith("fail.")}
    assert listed == set(FAILURE_KINDS)  # no message for a kind that cannot happen


def test_a_failure_kind_that_is_not_listed_cannot_be_raised():
    with pytest.raises(ValueError, match="unknown failure kind 'no_such_kind'"):
        CheckFailed("no_such_kind")


def test_every_step_kind_has_a_runner_and_a_transcript_line():
    assert set(spec.STEP_KINDS) == set(steps.RUNNERS)
    for kind in spec.STEP_KINDS:
        assert f"step.{kind}" in en.MESSAGES


def test_bytes_are_shown_escaped_and_cut():
    assert show_bytes(b"hello") == '"hello"'
    assert show_bytes("你好\n".encode()) == '"你好\\n"'
    assert show_bytes(b"\x00\xff") == "b'\\x00\\xff'"
    assert show_bytes(b"a" * 100, limit=10) == '"aaaaaaaaaa" … (100 B)'


def test_missing_parameters_do_not_crash_a_message():
    assert tr("en", "fail.no_reply", {}) == "no reply within ? s to ?"
    assert tr("zh", "no.such.key") == "no.such.key"


def test_a_cut_character_is_told_from_bytes_that_are_no_text():
    from grader.verdict import cuts_a_character

    def error(data: bytes) -> str:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return str(exc)
        raise AssertionError("decodes")

    text = "你好".encode("utf-8")
    assert cuts_a_character(error(text[:4]))  # the end of a character missing
    assert cuts_a_character(error(text[4:]))  # the next buffer starts inside a character
    assert not cuts_a_character(error(b"\xff\xd8\xff\xe0JFIF"))  # a JPEG
    assert not cuts_a_character(error(b"abc\x80def"))  # a stray byte inside text


def test_every_cause_a_crash_can_interrupt_is_said():
    """explain(process, KIND, ...) turns a crash or an exit into "crashed ... while KIND": each
    KIND passed to it names what the program was being waited for."""
    source = "\n".join(p.read_text() for p in GRADER.rglob("*.py"))
    kinds = set(re.findall(r'explain\([^)]*?"(\w+)"', source)) | {"records_missing", "file_incomplete"}
    for kind in kinds:
        assert f"cause.{kind}" in en.MESSAGES, kind


def test_what_a_program_sent_cannot_drive_the_terminal():
    """A status line with escape sequences and a bell is shown escaped, in every parameter."""
    rendered = tr("en", "fail.bad_status_line", {"actual": "HTTP/1.1 2OO \x1b[31mOK\x1b[0m\x07"})
    assert "\x1b" not in rendered and "\x07" not in rendered
    assert "\\x1b[31mOK" in rendered
