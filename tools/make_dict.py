#!/usr/bin/env python3
"""Regenerate exercises/udp_dict/dict.txt, the English->Chinese word list of
the UDP word-lookup exercise, from ECDICT as shipped in the PyPI package
``dict-toolkit``.

The generated file is committed; this script is NOT needed at grading time.
It uses only the standard library plus the data files of the source package.

Source
------
ECDICT (https://github.com/skywind3000/ECDICT, MIT licence, Copyright (c)
2017 Linwei) packaged on PyPI as ``dict-toolkit`` 0.0.5: its wheel ships the
770,004-row ECDICT table (columns word, definition, translation) as
``dict_toolkit/data/dict/split/A.csv`` ... ``Z.csv``.  See
exercises/udp_dict/LICENSE.dict.md for the licence and provenance.

Install the source outside the project venv, then run (from the repo root)::

    python3 -m pip install --no-deps --target /tmp/dictsrc dict-toolkit==0.0.5
    python3 tools/make_dict.py --source /tmp/dictsrc

(``--source`` is put on sys.path; without it the package must be importable.)

What it does
------------
* Keeps ECDICT entries whose headword is a single lowercase ASCII word
  ([a-z]+) and whose Chinese translation is usable.
* Explanation = the translation's part-of-speech lines (``n. ...``,
  ``vt. ...``); subject-field lines such as ``[医] ...`` are dropped, and
  entries that have only those are skipped, except computing ones
  (``internet  [计] 因特网...``); acronym-only entries (``abbr.``) and English
  expansions are skipped; ``a.``/``ad.``/``interj.`` are written ``adj.``/
  ``adv.``/``int.`` as in the course (``hello  int. 喂``); senses are separated
  by ``；`` and lines by one space; cut at whole senses to stay under
  MAX_BYTES bytes of UTF-8.
* ECDICT as packaged has no frequency column, so words are ranked by how many
  general (not subject-field) multi-word ECDICT entries contain them as a
  token ("water" occurs in "water bottle", "fresh water", ...).  All words
  scoring at least the smallest threshold that keeps the list within
  --max-words are taken (no alphabetical cut inside a score), plus REQUIRED.
* Drops entries that are only personal names, a short list of vulgar words
  (BLOCKED) and a few sexual senses (DROP_SENSE_RE), then writes ``word<two spaces>explanation`` lines sorted by word.
"""
from __future__ import annotations

import argparse
import collections
import csv
import glob
import os
import re
import sys

# Words the grader's checks look up; always included.
REQUIRED = ("hello", "apple", "world", "computer", "network", "book",
            "water", "good", "student", "teacher")

# Not wanted in a course fixture (checked against the selected list).
BLOCKED = frozenset("""
    arse asshole bastard bitch bollocks bugger cunt dick fag faggot fellate
    fuck fucker fucking nigger piss pissed pussy shit shitty slut tit tits
    twat wank wanker whore
""".split())
# Senses dropped from otherwise ordinary words (e.g. a slang sense of "goose").
DROP_SENSE_RE = re.compile(r"性交|鸡奸|手淫")

MAX_BYTES = 190          # explanation limit (the brief asks for < 200)
DEFAULT_MAX_WORDS = 5000
EXPECTED_VERSION = "0.0.5"

WORD_RE = re.compile(r"[a-z]+")
CJK_RE = re.compile(r"[\u3400-\u9fff]")
# ECDICT stores line breaks inside a field as a literal backslash-n.
LINE_SPLIT_RE = re.compile(r"(?:\\r)?\\n|\r?\n")
POS_RE = re.compile(
    r"^(n|v|vt|vi|a|adj|ad|adv|prep|pron|conj|int|interj|num|art|aux|abbr|pl)\."
    r"\s*(.*)$")
POS_RENAME = {"a": "adj", "ad": "adv", "interj": "int"}
FIELD_RE = re.compile(r"^\[[^\]]{1,12}\]")         # [计] [医] [化] ...
NAME_RE = re.compile(r"人名|男子名|女子名|男名|女名|姓氏")
KEEP_FIELD = "[计]"
LATIN_RUN_RE = re.compile(r"[A-Za-z]{3,}")
INFLECTION_BASE_RE = re.compile(r"[a-z]+(?= ?的)")
SENSE_SPLIT_RE = re.compile(r"\s*[,;]\s+|\s*[，；]\s*")


def source_dir(extra_path: str | None) -> str:
    if extra_path:
        sys.path.insert(0, os.path.abspath(extra_path))
    try:
        import dict_toolkit  # the source package (data only is used)
    except ImportError:
        sys.exit("dict-toolkit is not importable; install it, e.g.\n"
                 "  python3 -m pip install --no-deps --target /tmp/dictsrc "
                 "dict-toolkit==0.0.5\nand pass --source /tmp/dictsrc")
    try:
        from importlib.metadata import version, PackageNotFoundError
        try:
            found = version("dict-toolkit")
        except PackageNotFoundError:
            found = "?"
    except ImportError:  # pragma: no cover
        found = "?"
    if found != EXPECTED_VERSION:
        print(f"warning: dict-toolkit {found} found, dict.txt was made with "
              f"{EXPECTED_VERSION}; output may differ", file=sys.stderr)
    return dict_toolkit.default_dict_path


def read_rows(path: str):
    files = sorted(glob.glob(os.path.join(path, "*.csv")))
    if not files:
        sys.exit(f"no ECDICT csv files under {path}")
    for name in files:
        with open(name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                yield row["word"], row["translation"] or ""


def clean_senses(body: str) -> list[str]:
    out: list[str] = []
    for sense in SENSE_SPLIT_RE.split(body):
        sense = " ".join(sense.replace("\t", " ").split())
        if sense and sense not in out:
            out.append(sense)
    return out


def explanation(translation: str) -> str | None:
    """Chinese explanation for one ECDICT translation field, or None."""
    lines = [" ".join(x.split()) for x in LINE_SPLIT_RE.split(translation)]
    lines = [x for x in lines if x and CJK_RE.search(x)]
    general = [x for x in lines if not FIELD_RE.match(x)]
    # Only subject-field lines: keep computing ones ([计] 因特网), else skip.
    lines = general or [x for x in lines if x.startswith(KEEP_FIELD)]
    # Untagged lines must be Chinese, not an English expansion
    # ("Apollo Lunar ... 阿波罗..."); "go的过去式" style notes are fine.
    lines = [x for x in lines if POS_RE.match(x) or FIELD_RE.match(x)
             or not LATIN_RUN_RE.search(INFLECTION_BASE_RE.sub("", x))]
    if not lines or NAME_RE.search(lines[0]):
        return None
    if lines[0].startswith("abbr."):   # "cats  abbr. 计算机自动测试系统..."
        return None
    parts: list[tuple[str, list[str]]] = []
    for line in lines:
        m = POS_RE.match(line)
        if m:
            if FIELD_RE.match(m.group(2)):    # e.g. "art. [计] 累加器"
                continue
            pos = POS_RENAME.get(m.group(1), m.group(1)) + "."
            senses = clean_senses(m.group(2))
        else:
            pos, senses = "", clean_senses(line)
        senses = [s for s in senses if not DROP_SENSE_RE.search(s)]
        senses = [s for s in senses if CJK_RE.search(s)] or senses
        if senses:
            parts.append((pos, senses))
    if not parts:
        return None
    # Assemble whole senses while under the byte limit.
    text = ""
    for pos, senses in parts:
        piece = ""
        for sense in senses:
            cand = (piece + "；" + sense) if piece else \
                ((pos + " " if pos else "") + sense)
            full = (text + " " + cand) if text else cand
            if len(full.encode("utf-8")) > MAX_BYTES:
                break
            piece = cand
        if not piece:
            break
        text = (text + " " + piece) if text else piece
    if not text:   # a single over-long first sense: cut it by characters
        first = (parts[0][0] + " " if parts[0][0] else "") + parts[0][1][0]
        while len(first.encode("utf-8")) > MAX_BYTES:
            first = first[:-1]
        text = first
    if not CJK_RE.search(text):
        return None
    return text


def build(path: str, max_words: int) -> list[tuple[str, str]]:
    entries: dict[str, str] = {}
    score: collections.Counter[str] = collections.Counter()
    for word, translation in read_rows(path):
        if WORD_RE.fullmatch(word):
            if word not in entries and word not in BLOCKED:
                exp = explanation(translation)
                if exp:
                    entries[word] = exp
            continue
        tokens = WORD_RE.findall(word.lower())
        # general multi-word entries only: Chinese, no subject-field tag
        if (len(tokens) > 1 and "[" not in translation
                and CJK_RE.search(translation)):
            for token in set(tokens):
                score[token] += 1
    missing = [w for w in REQUIRED if w not in entries]
    if missing:
        sys.exit(f"required words missing from source: {missing}")
    by_score = collections.Counter(score[w] for w in entries)
    threshold, total = None, 0
    for s in sorted(by_score, reverse=True):
        if s <= 0 or total + by_score[s] > max_words:
            break
        total += by_score[s]
        threshold = s
    if threshold is None:
        sys.exit("max-words too small")
    chosen = {w for w in entries if score[w] >= threshold} | set(REQUIRED)
    print(f"score threshold {threshold}: {len(chosen)} words "
          f"(of {len(entries)} candidates)", file=sys.stderr)
    return [(w, entries[w]) for w in sorted(chosen)]


def main(argv: list[str] | None = None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, os.pardir, "exercises", "udp_dict",
                               "dict.txt")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help="directory holding the installed "
                    "dict-toolkit package (added to sys.path)")
    ap.add_argument("-o", "--output", default=os.path.normpath(default_out))
    ap.add_argument("--max-words", type=int, default=DEFAULT_MAX_WORDS)
    args = ap.parse_args(argv)
    pairs = build(source_dir(args.source), args.max_words)
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        for word, exp in pairs:
            fh.write(f"{word}  {exp}\n")
    print(f"wrote {len(pairs)} lines to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
