"""Messages in the course's two languages. A message is a catalog key and its parameters
(grader/results.Message); `tr` renders it. Bytes and lists in the parameters are shown the
way a student can read them (grader/results.show_bytes).

The language is `--lang`, else the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): zh for any
Chinese locale, en otherwise.
"""

from __future__ import annotations

import os
import string

from ..errors import SubmissionError
from ..results import Message, printable, show_bytes
from ..spec import Text
from . import en, zh

CATALOGS = {"en": en.MESSAGES, "zh": zh.MESSAGES}
LONG = 80  # characters of a data parameter (expected, got, ...) shown before it is cut
WHOLE = {"text", "command", "path", "title", "step", "why"}  # parameters that are never cut


def default_lang() -> str:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _shown(value, lang="en", cut=True):
    if isinstance(value, Message):
        return render(lang, value)
    if isinstance(value, Text):  # a teacher's words from the exercise, in both languages
        return value.pick(lang)
    if isinstance(value, (bytes, bytearray)):
        return show_bytes(value) if value else tr(lang, "data.empty")  # `got ""` reads as a typo: say it
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Message) for v in value):
        return ("，" if lang == "zh" else ", ").join(render(lang, v) for v in value)  # reasons, in words
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) if isinstance(v, (bytes, bytearray)) else show_bytes(v) for v in value) or "-"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):  # may come from the student's program: no raw control characters
        value = printable(value)
    if cut and isinstance(value, str) and len(value) > LONG:
        return f"{value[:LONG]}… ({len(value)} characters)"
    return "" if value is None else value


class _Params(dict):
    def __missing__(self, key):
        return "?"


def tr(lang: str, key: str, params: dict | None = None) -> str:
    """The text of `key` in `lang`, falling back to English, then to the key itself."""
    catalog = CATALOGS.get(lang, en.MESSAGES)
    template = catalog[key] if key in catalog else en.MESSAGES.get(key, key)
    shown = _Params({k: _shown(v, lang, k not in WHOLE) for k, v in (params or {}).items()})
    return string.Formatter().vformat(template, (), shown)


def render(lang: str, message: Message) -> str:
    return tr(lang, message.key, message.params)


def submission_error(key: str, **params) -> SubmissionError:
    """A submission that cannot be graded, said by a catalog message (English as its str())."""
    return SubmissionError(key, en.MESSAGES[key].format(**params), **params)


def error_text(error: Exception, lang: str) -> str:
    """What a user is told of an error of theirs, in their language where the catalogs have it."""
    key = getattr(error, "key", None)
    if key and key in en.MESSAGES:  # its parameters are the user's own paths and names: shown whole
        return CATALOGS.get(lang, en.MESSAGES).get(key, en.MESSAGES[key]).format(**getattr(error, "params", {}))
    return str(error)


def has(key: str) -> bool:
    return key in en.MESSAGES


def render_said(lang: str, said: list[Message]) -> list[str]:
    """A failure's cause in words (grader/verdict.said), as lines: the failure, with what the
    program was doing when it crashed or ended on the same line; then each detail, indented."""
    headline, *details = said
    first = render(lang, headline)
    while details and details[0].key.startswith("cause."):
        cause = render(lang, details.pop(0))
        if cause:
            first += ("" if cause.startswith("（") else " ") + cause
    return [first] + ["  " + render(lang, detail) for detail in details]


def render_all(lang: str, messages: list[Message]) -> list[str]:
    """Each message rendered, leaving out those with nothing to say in this language."""
    return [text for text in (render(lang, message) for message in messages) if text]
