"""Copied work: pairs of a class's submissions whose code is near-identical once names,
whitespace and comments are set aside, for the teacher to look at (never a verdict).

The fingerprinting is copydetect's (winnowed k-grams of the code's tokens, names made one
symbol, comments and whitespace dropped), an optional extra: `pip install netgrader[similarity]`.
What every student starts from is boilerplate: the course's own programs for the exercise
(its reference solutions, from the handouts) and its fixtures, so the shared
`from socket import *` / bind / recvfrom skeleton is never a match. Each role is compared with
the same role of every other student; a pair is listed when each of the two has at least
THRESHOLD of its own code (what is left once the boilerplate is out) in common with the other.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

THRESHOLD = 0.65  # of each one's own code found in the other
NOISE = 25  # characters of normalised code: a shorter run in common is chance (copydetect's default)
WINDOW = 1  # every k-gram kept, none winnowed away: students' scripts are small, and the pick of a
            # larger window follows Python's per-process str hash, which would change the report per run
OWN_CODE_MIN = 60  # characters of normalised code of one's own, below which a script is all boilerplate
CONTEXT = 1  # lines shown around each matching block

INSTALL = "pip install 'netgrader[similarity]'"


@dataclass
class Side:
    student: str
    path: str
    share: float  # of this script's own code found in the other
    lines: list[tuple[int | None, str, bool]] = field(default_factory=list)  # number, text, in common (None: a gap)


@dataclass
class Match:
    role: str
    similarity: float  # the smaller of the two shares
    sides: tuple[Side, Side]


def available() -> bool:
    try:
        import copydetect  # noqa: F401
    except ImportError:
        return False
    return True


def course_code(exercise_path: Path, exercise_id: str) -> list[Path]:
    """The programs every student of the exercise starts from: its reference solutions and fixtures."""
    root = exercise_path.resolve().parent
    folders = [root.parent / "reference" / exercise_id, root / exercise_id]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.py"))


def copied_work(rows: list[dict], boilerplate: list[Path], threshold: float = THRESHOLD) -> list[Match]:
    """The pairs of the rows' graded scripts that share most of their own code, likeliest first."""
    import numpy as np
    from copydetect import CodeFingerprint, compare_files

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # copydetect warns on odd tokens
    course = [CodeFingerprint(str(path), NOISE, WINDOW, language="python",
                              fp=io.StringIO(path.read_text(encoding="utf-8", errors="replace")))
              for path in boilerplate]
    common = np.unique(np.concatenate([np.array(list(fp.hashes), dtype=np.int64) for fp in course])) if course else None
    by_role: dict[str, list[tuple[str, dict, object]]] = {}
    for row in rows:
        for role, source in (row.get("sources") or {}).items():
            fingerprint = CodeFingerprint(source["path"], NOISE, WINDOW, boilerplate=common, language="python",
                                          fp=io.StringIO(source["text"]))
            if fingerprint.token_coverage >= OWN_CODE_MIN:
                by_role.setdefault(role, []).append((row["student"], source, fingerprint))
    matches = []
    for role, scripts in by_role.items():
        for i, (one, one_source, one_print) in enumerate(scripts):
            for other, other_source, other_print in scripts[i + 1:]:
                if len(one_print.hashes & other_print.hashes) < threshold / 2 * min(len(one_print.hashes),
                                                                                  len(other_print.hashes)):
                    continue  # too few fingerprints in common to be a match: the costly comparison is spared
                overlap, shares, slices = compare_files(one_print, other_print)
                if overlap and min(shares) >= threshold:
                    sides = (Side(one, one_source["path"], float(shares[0]), shown(one_source["text"], slices[0])),
                             Side(other, other_source["path"], float(shares[1]), shown(other_source["text"], slices[1])))
                    matches.append(Match(role, float(min(shares)), sides))
    return sorted(matches, key=lambda m: (-m.similarity, m.sides[0].student, m.sides[1].student))


def shown(text: str, slices) -> list[tuple[int | None, str, bool]]:
    """The lines of `text` in common (copydetect's character slices), with CONTEXT lines around
    them and a gap (None) where lines are left out."""
    lines = text.splitlines()
    common = set()
    for start, end in zip(*slices):
        first, last = text.count("\n", 0, int(start)), text.count("\n", 0, max(int(start), int(end) - 1))
        common.update(range(first, last + 1))
    keep = {n for line in common for n in range(line - CONTEXT, line + CONTEXT + 1) if 0 <= n < len(lines)}
    out: list[tuple[int | None, str, bool]] = []
    for number in sorted(keep):
        if out and out[-1][0] is not None and out[-1][0] != number:  # lines left out since the last
            out.append((None, "…", False))
        out.append((number + 1, lines[number], number in common))
    return out
