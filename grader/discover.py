"""A class's submissions as a teacher collects them: one folder or one `.zip` per student in a
folder, each named by the student's id.

Why zips need care: Chinese Windows tools write file names in GBK without the zip's UTF-8
flag, which Python's zipfile reads as cp437 (mojibake such as `╖■╬±╢╦.py` for 服务端.py); a
Mac adds `__MACOSX/` and `.DS_Store`; and a zip is untrusted: a member may be a link, name a
path outside the folder, or unpack to gigabytes. Each is unpacked into a folder of its own,
names decoded as the tool meant them, the junk left out, and the limits kept; a zip that
breaks them is a submission that cannot be graded, with the reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import neutral
from .results import Message

JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
JUNK_FOLDERS = {"__MACOSX", "__pycache__", ".git", ".idea", ".vscode", "venv", ".venv"}
UNPACKED_MAX_BYTES = 512 * 1024 * 1024  # a class's submission is programs and a picture or two
MEMBERS_MAX = 5000
UTF8_FLAG = 0x800
NAME_MAX = 255  # bytes of one file name, as Linux takes it
DEPTH_MAX = 32  # folders deep: a day folder is three or four
LOOK_WITHIN = 10.0  # seconds to find a submission's files: a tree that takes longer is refused
KINDS = {stat.S_IFIFO: "fifo", stat.S_IFCHR: "device", stat.S_IFBLK: "device", stat.S_IFSOCK: "socket"}


@dataclass(frozen=True)
class Found:
    """One student's submission."""

    student: str  # the folder's name, or the zip's without .zip
    source: Path  # the folder or the zip as handed in
    folder: Path | None  # where its files are (the zip unpacked); None when it cannot be graded
    problem: Message | None = None  # why it cannot be graded, in the report's words


class ZipRefused(Exception):
    """A zip that is not unpacked: what is wrong with it, a catalog message (batch.zip_*)."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.message = Message(key, params)


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the tool that made the zip meant it: UTF-8 when flagged; else the raw
    bytes (which zipfile decoded as cp437) as UTF-8 if they are (many tools write UTF-8 without
    the flag), else GBK (Chinese Windows), else cp437."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def unpack(archive: Path, target: Path) -> None:
    """Unpack `archive` into `target` (made anew), safely; ZipRefused says why not."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            if len(members) > MEMBERS_MAX:
                raise ZipRefused("batch.zip_many", count=len(members), most=MEMBERS_MAX)
            if sum(m.file_size for m in members) > UNPACKED_MAX_BYTES:
                raise ZipRefused("batch.zip_big", mb=UNPACKED_MAX_BYTES // 2**20)
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            written = 0
            for info in members:
                name = PurePosixPath(member_name(info).replace("\\", "/"))
                if info.is_dir() or not name.parts or junk(name.parts):
                    continue
                if name.is_absolute() or ".." in name.parts or ":" in name.parts[0]:
                    raise ZipRefused("batch.zip_outside", name=neutral.controls(str(name), keep=()))
                if any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in name.parts):
                    raise ZipRefused("batch.zip_long_name", name=neutral.controls(str(name)[:80], keep=()) + "…")
                if stat.S_ISLNK(info.external_attr >> 16):
                    continue  # a link: never followed, never made
                path = target.joinpath(*(neutral.controls(part, keep=()) for part in name.parts))  # no newline in a name
                path.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, open(path, "wb") as copy:
                    while block := source.read(1 << 20):  # the sizes a zip declares may lie: its bytes are counted
                        written += len(block)
                        if written > UNPACKED_MAX_BYTES:
                            raise ZipRefused("batch.zip_big", mb=UNPACKED_MAX_BYTES // 2**20)
                        copy.write(block)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, OSError, ValueError) as exc:
        # RuntimeError: encrypted; OSError: a name or a size this file system refuses
        raise ZipRefused("batch.zip_broken", error=neutral.controls(str(exc)[:200], keep=())) from None


class Unreadable(Exception):
    """A submission whose files cannot be looked at safely: why, a catalog message."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.message = Message(key, params)


def inspect(folder: Path, within: float = LOOK_WITHIN) -> None:
    """Look at every entry of a submission before anything reads it: a FIFO, a device or a
    socket (reading one blocks for ever, or reads the machine), a link to a folder that holds it
    (a loop no copy ends), too many files, or a tree that takes too long to walk is refused at
    once, with the entry's name. Links are never followed."""
    deadline, count = time.monotonic() + within, 0
    root = folder.resolve()
    for parent, folders, files in os.walk(folder, followlinks=False):
        if len(Path(parent).relative_to(folder).parts) >= DEPTH_MAX:
            raise Unreadable("submission.too_deep", most=DEPTH_MAX)
        for entry in (*folders, *files):
            path = Path(parent, entry)
            count += 1
            shown = neutral.name(str(path.relative_to(folder)))
            if count > MEMBERS_MAX * 4:
                raise Unreadable("submission.too_many", most=MEMBERS_MAX * 4)
            if time.monotonic() > deadline:
                raise Unreadable("submission.too_slow", seconds=int(within))
            try:
                mode = path.lstat().st_mode
            except OSError as error:
                raise Unreadable("submission.unreadable", name=shown, why=neutral.controls(error.strerror or "", keep=()))
            kind = KINDS.get(stat.S_IFMT(mode))
            if kind:
                raise Unreadable(f"submission.special_{kind}", path=shown)
            if stat.S_ISLNK(mode):
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):  # a loop of links, or a dangling one
                    continue
                if target.is_dir() and (root.is_relative_to(target) or path.parent.resolve().is_relative_to(target)):
                    raise Unreadable("submission.link_loop", path=shown)


def junk(parts: tuple[str, ...]) -> bool:
    return parts[-1] in JUNK_NAMES or any(part in JUNK_FOLDERS for part in parts) or parts[-1].startswith("._")


def submissions(folder: Path, unpacked: Path, leave_out: Path | None = None) -> list[Found]:
    """Every student's submission in `folder`, sorted by id; zips unpacked under `unpacked`.
    `leave_out`: a folder inside `folder` that is no submission (the batch's own output).
    One that cannot be read is one Found with its reason: nothing about one student's hand-in
    (its name's bytes, its size, a FIFO) stops the others'. A folder whose name is not plain
    text (GBK bytes, control characters) is graded from a copy under `unpacked` named as shown."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in JUNK_FOLDERS or entry.name in JUNK_NAMES:
            continue
        if leave_out is not None and os.path.realpath(entry) == os.path.realpath(leave_out):
            continue
        student = neutral.name(entry.stem if entry.suffix.lower() == ".zip" and not entry.is_dir() else entry.name)
        try:
            item = _one(entry, student, unpacked)
        except (OSError, RuntimeError, Unreadable, ZipRefused) as error:  # RuntimeError: a loop of links
            why = getattr(error, "message", None) or Message("submission.unreadable", {
                "name": student, "why": neutral.controls(getattr(error, "strerror", None) or str(error), keep=())})
            shutil.rmtree(unpacked / _folder_name(entry.name), ignore_errors=True)
            item = Found(student, entry, None, Message("batch.refused", {"name": neutral.name(entry.name), "why": why}))
        if item is not None:
            found.append(item)
    return _apart(found)


def _apart(found: list[Found]) -> list[Found]:
    """Hand-ins whose ids read the same (a folder and a zip of one name, GBK and UTF-8
    spellings, names apart only by case or by what escaping shows alike) would share one row,
    the one graded last winning: each of them is not gradable, naming the others."""
    by_id: dict[str, list[Found]] = {}
    for item in found:
        by_id.setdefault(unicodedata.normalize("NFKC", item.student).casefold(), []).append(item)
    kept = []
    for same in by_id.values():
        if len(same) == 1:
            kept += same
            continue
        names = ", ".join(neutral.name(item.source.name) for item in same)
        kept += [Found(item.student if i == 0 else f"{item.student} ({i + 1})", item.source, None,
                       Message("batch.refused", {"name": neutral.name(item.source.name),
                                                 "why": Message("batch.same_id", {"names": names})}))
                 for i, item in enumerate(same)]
    return sorted(kept, key=lambda item: item.student)


def _folder_name(raw: str) -> str:
    """The folder of a hand-in's copy under `unpacked`: its shown name, cut and made safe, and a
    hash of its raw name, so that no two hand-ins ever share one."""
    digest = hashlib.sha256(os.fsencode(raw)).hexdigest()[:10]
    return f"{neutral.name(raw).replace('/', '_').replace(chr(92), '_')[:100]}-{digest}"


def _one(entry: Path, student: str, unpacked: Path) -> Found | None:
    if entry.is_dir() and not entry.is_symlink():
        inspect(entry)
        if student == entry.name and plainly_named(entry):
            return Found(student, entry, entry)
        target = unpacked / _folder_name(entry.name)  # the tools downstream read plain names
        plain_copy(entry, target)
        return Found(student, entry, target)
    if entry.suffix.lower() == ".zip" and entry.is_file():
        target = unpacked / _folder_name(entry.name)
        try:
            unpack(entry, target)
            inspect(target)
        except ZipRefused as exc:
            shutil.rmtree(target, ignore_errors=True)
            return Found(student, entry, None, Message("batch.refused", {"name": neutral.name(entry.name), "why": exc.message}))
        return Found(student, entry, target)
    return None


def plainly_named(folder: Path) -> bool:
    """Every name in the tree is plain text: UTF-8 without control characters."""
    return all(neutral.name(name) == name for _, folders, files in os.walk(folder) for name in (*folders, *files))


def plain_copy(folder: Path, target: Path) -> None:
    """A copy of the tree with every name as a person reads it (neutral.name): GBK bytes as the
    Chinese Windows that wrote them meant them (服务端.py, as the student's own scripts name it),
    anything else escaped. Only files and folders are copied, never a link (a link the copy
    made, then a file of the same shown name written through it, wrote where the link pointed,
    as root: a red team did), and nothing is written over what is there: two names that read
    the same are a reason, Unreadable."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for parent, folders, files in os.walk(folder):
        here = target.joinpath(*(neutral.name(part) for part in Path(parent).relative_to(folder).parts))
        for name in folders:
            try:
                (here / neutral.name(name)).mkdir()
            except FileExistsError:
                raise Unreadable("submission.same_name", name=neutral.name(name)) from None
        for name in files:
            source = Path(parent, name)
            if source.is_symlink() or not source.is_file():
                continue
            try:
                with open(source, "rb") as original, open(here / neutral.name(name), "xb") as copy:  # x: never over a link
                    shutil.copyfileobj(original, copy)
            except FileExistsError:
                raise Unreadable("submission.same_name", name=neutral.name(name)) from None


def files_of(folder: Path) -> list[Path]:
    """A submission's files, relative to its folder, sorted: links and a Mac's junk left out.
    What its hash covers (a resumed batch) and what travels to a cluster's worker."""
    return sorted(path.relative_to(folder) for path in folder.rglob("*")
                  if path.is_file() and not path.is_symlink() and not junk(path.relative_to(folder).parts))


def content_hash(folder: Path) -> str:
    """What a submission holds, as one hash: its files' paths and bytes (junk left out), so a
    batch resumed later grades again exactly the submissions that changed."""
    digest = hashlib.sha256()
    for relative in files_of(folder):
        path = folder / relative
        digest.update(str(relative).encode("utf-8", "surrogateescape") + b"\0")
        with open(path, "rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()
