"""Student text made harmless on its way out: to a terminal, a CSV, a CI log, a shell or make.

Why: a student names the folder and writes the program, so both are data a stranger chose.
Read raw, a folder named with terminal escapes redraws the teacher's screen (a forged progress
line), one named `=HYPERLINK(...)` is a live formula in Excel (OWASP's CSV injection), a line
`::add-mask::` or `::error` on a program's stderr is a command to GitHub's runner when the report
echoes it, and a name with `$` runs a command in the rerun line a shell or make reads. Each
function here is the one way such text leaves for one kind of reader.
"""

from __future__ import annotations

import os
import shlex

KEEP = {"\n", "\t"}
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def name(raw: str) -> str:
    """A file or folder name as a person reads it, whatever bytes it was made of: UTF-8, or GBK
    (what Linux's unzip makes of a Chinese Windows zip), else each undecodable byte as \\xNN;
    control characters escaped. Decoding is lossless: the same bytes always give the same text."""
    data = os.fsencode(raw)
    for encoding in ("utf-8", "gbk"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", "backslashreplace")
    return controls(text, keep=())


def controls(text: str, keep=KEEP) -> str:
    """`text` with every character that is not printable (escapes, bells, NUL, the bidirectional
    overrides that reverse a name on screen) but those in `keep` written as an escape (\\x1b), and
    each byte Python could not decode (a surrogate) as \\xNN: a terminal shows it, never obeys it."""
    out = []
    for char in text:
        if char in keep or char.isprintable() or char == "\u3000":
            out.append(char)
        elif 0xDC80 <= ord(char) <= 0xDCFF:  # an undecodable byte (surrogateescape)
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        else:
            out.append(char.encode("unicode_escape", "backslashreplace").decode("ascii"))
    return "".join(out)


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text, never runs (OWASP: a leading ', and the cell quoted)."""
    if not isinstance(value, str):
        return value
    value = controls(value, keep=())
    return "'" + value if value.startswith(CSV_TRIGGERS) else value


class CsvWriter:
    """csv.writer whose every cell goes through csv_cell: the one way a CSV of ours is written."""

    def __init__(self, file):
        import csv

        self._out = csv.writer(file)

    def writerow(self, cells) -> None:
        self._out.writerow([csv_cell(cell) for cell in cells])


def ci_text(text: str) -> str:
    """Program output a CI log can show and never obey: GitHub's workflow commands (`::name ...::`)
    and `##[...]` at a line's start, Azure Pipelines' `##vso[` anywhere in a line, GitLab's
    collapsible section markers, each broken by a zero-width space; control characters escaped."""
    lines = []
    for line in controls(text).replace("##vso[", "##\u200bvso[").split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("::", "##[")) or "section_start:" in line or "section_end:" in line:
            cut = len(line) - len(stripped) + 1
            line = (line[:cut] + "\u200b" + line[cut:]).replace("section_", "section\u200b_")
        lines.append(line)
    return "\n".join(lines)


def shell_word(text: str) -> str:
    """One word a POSIX shell reads literally ($, `, spaces and quotes included)."""
    return shlex.quote(text)


def make_value(text: str) -> str:
    """A make variable's value on the command line, as a word the shell passes literally and make
    does not expand ($ doubled): `make grade SUB=<this>`."""
    return shlex.quote(text.replace("$", "$$"))
