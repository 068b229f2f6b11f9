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
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .results import Message

JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
JUNK_FOLDERS = {"__MACOSX", "__pycache__", ".git", ".idea", ".vscode", "venv", ".venv"}
UNPACKED_MAX_BYTES = 512 * 1024 * 1024  # a class's submission is programs and a picture or two
MEMBERS_MAX = 5000
UTF8_FLAG = 0x800


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
            for info in members:
                name = PurePosixPath(member_name(info).replace("\\", "/"))
                if info.is_dir() or not name.parts or junk(name.parts):
                    continue
                if name.is_absolute() or ".." in name.parts or ":" in name.parts[0]:
                    raise ZipRefused("batch.zip_outside", name=str(name))
                if stat.S_ISLNK(info.external_attr >> 16):
                    continue  # a link: never followed, never made
                path = target.joinpath(*name.parts)
                path.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, open(path, "wb") as copy:
                    shutil.copyfileobj(source, copy)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:  # RuntimeError: encrypted
        raise ZipRefused("batch.zip_broken", error=str(exc)) from None


def junk(parts: tuple[str, ...]) -> bool:
    return parts[-1] in JUNK_NAMES or any(part in JUNK_FOLDERS for part in parts) or parts[-1].startswith("._")


def submissions(folder: Path, unpacked: Path, leave_out: Path | None = None) -> list[Found]:
    """Every student's submission in `folder`, sorted by id; zips unpacked under `unpacked`.
    `leave_out`: a folder inside `folder` that is no submission (the batch's own output)."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in JUNK_FOLDERS or entry.name in JUNK_NAMES:
            continue
        if leave_out is not None and entry.resolve() == leave_out.resolve():
            continue
        if entry.is_dir():
            found.append(Found(entry.name, entry, entry))
        elif entry.suffix.lower() == ".zip":
            target = unpacked / entry.stem
            try:
                unpack(entry, target)
            except ZipRefused as exc:
                shutil.rmtree(target, ignore_errors=True)
                found.append(Found(entry.stem, entry, None, Message("batch.zip_refused", {"zip": entry.name, "why": exc.message})))
                continue
            found.append(Found(entry.stem, entry, target))
    return found


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
