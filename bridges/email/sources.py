"""The raw messages under a path: an mbox file, a Maildir, a folder of .eml files, one .eml.

- A file that begins with a "From " line followed by a header field is an mbox; any
  other file is one message (.eml, RFC 5322).
- A folder with `cur` and `new` subfolders is a Maildir: every file in `new` and `cur`
  is one message. Files in `tmp` are still being delivered and are left out. Maildir++
  subfolders (`.Sent`, `.Archive`), which Dovecot and Courier keep inside the Maildir,
  are read as Maildirs too.
- The `cur` or `new` folder of a Maildir, given on its own: every file in it is one
  message.
- Any other folder is searched recursively for Maildirs, `.eml` and `.mbox` files, and
  files without a suffix that begin like an mbox (Thunderbird keeps each mail folder
  as such a file, "Inbox", "Sent"). Other files, such as Thunderbird's `.msf` indexes,
  are left out.

Files are read in sorted order of their paths, so the order does not depend on the file
system. Maildir file names begin with the delivery time, so that order is roughly
chronological.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bridges.core.records import ParseError
from bridges.email.mbox import Preamble, split_mbox, starts_like_mbox

MBOX_SUFFIXES = (".mbox", ".mbx")
EML_SUFFIXES = (".eml",)
# Maildir file names end in ":2," and flag letters. Implementations for file systems
# that forbid ":" in names use another character there, such as "!" or ";".
MAILDIR_INFO_SEPARATORS = (":2,", "!2,", ";2,")
HEADER_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class RawMessage:
    """One message's bytes and where it came from."""

    path: str
    # "line N" for mbox messages (the line of the "From " separator), else "record 1".
    location: str
    data: bytes
    # Maildir flag letters from the file name ("S" seen, "T" trashed...), else "".
    maildir_flags: str = ""


def iter_messages(path: str, headers_only: bool = False) -> Iterator[RawMessage | ParseError]:
    """Yield every message under `path` in a stable order, or a ParseError per unreadable file.

    With `headers_only`, each message's data may end after its header block.
    """
    root = Path(path)
    if root.is_dir():
        yield from _iter_folder(root, headers_only)
    elif root.is_file():
        yield from _iter_file(root, headers_only, sniff=True)
    else:
        yield ParseError(path, "file", "not found, or neither a file nor a folder")


def _iter_folder(folder: Path, headers_only: bool) -> Iterator[RawMessage | ParseError]:
    if _is_maildir(folder):
        yield from _iter_maildir(folder, headers_only)
        return
    if folder.name in ("cur", "new") and _is_maildir(folder.parent):
        yield from _iter_maildir_files(sorted(folder.iterdir()), headers_only)
        return
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        yield ParseError(str(folder), "folder", f"cannot be listed ({exc.strerror})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _iter_folder(entry, headers_only)
        elif entry.suffix.lower() in EML_SUFFIXES:
            yield from _iter_file(entry, headers_only, sniff=False)
        elif entry.suffix.lower() in MBOX_SUFFIXES:
            yield from _iter_mbox(entry, headers_only)
        elif entry.suffix == "" and entry.is_file() and _starts_like_mbox(entry):
            yield from _iter_mbox(entry, headers_only)


def _is_maildir(folder: Path) -> bool:
    return (folder / "cur").is_dir() and (folder / "new").is_dir()


def _iter_maildir(folder: Path, headers_only: bool) -> Iterator[RawMessage | ParseError]:
    files: list[Path] = []
    for subfolder in ("new", "cur"):
        try:
            files.extend(entry for entry in (folder / subfolder).iterdir() if entry.is_file())
        except OSError as exc:
            yield ParseError(str(folder / subfolder), "folder", f"cannot be listed ({exc.strerror})")
    yield from _iter_maildir_files(sorted(files, key=lambda entry: (entry.name, entry.parent.name)), headers_only)

    # Maildir++ keeps each subfolder as ".Name" inside the top Maildir.
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") and entry.is_dir() and _is_maildir(entry):
            yield from _iter_maildir(entry, headers_only)


def _iter_maildir_files(files: list[Path], headers_only: bool) -> Iterator[RawMessage | ParseError]:
    for file in files:
        if file.name.startswith(".") or not file.is_file():
            continue
        for record in _iter_file(file, headers_only, sniff=False):
            if isinstance(record, RawMessage):
                record = RawMessage(record.path, record.location, record.data, _maildir_flags(file.name))
            yield record


def _starts_like_mbox(file: Path) -> bool:
    try:
        with file.open("rb") as stream:
            return starts_like_mbox(stream.read(HEADER_CHUNK_BYTES))
    except OSError:
        return False


def _maildir_flags(name: str) -> str:
    for separator in MAILDIR_INFO_SEPARATORS:
        if separator in name:
            return name.rsplit(separator, 1)[1]
    return ""


def _iter_file(file: Path, headers_only: bool, sniff: bool) -> Iterator[RawMessage | ParseError]:
    try:
        with file.open("rb") as stream:
            head = stream.read(HEADER_CHUNK_BYTES)
            if sniff and starts_like_mbox(head):
                is_mbox = True
            else:
                is_mbox = False
                data = head if headers_only and _header_ends_in(head) else head + stream.read()
    except OSError as exc:
        yield ParseError(str(file), "file", f"cannot be read ({exc.strerror})")
        return

    if is_mbox:
        yield from _iter_mbox(file, headers_only)
    elif not data.strip():
        yield ParseError(str(file), "record 1", "file is empty")
    else:
        yield RawMessage(str(file), "record 1", data)


def _header_ends_in(data: bytes) -> bool:
    return b"\n\n" in data or b"\n\r\n" in data


def _iter_mbox(file: Path, headers_only: bool) -> Iterator[RawMessage | ParseError]:
    try:
        with file.open("rb") as stream:
            for message in split_mbox(stream, headers_only):
                if isinstance(message, Preamble):
                    reason = "text before the first 'From ' separator line belongs to no message"
                    yield ParseError(str(file), f"line {message.line}", reason)
                else:
                    yield RawMessage(str(file), f"line {message.line}", message.data)
    except OSError as exc:
        yield ParseError(str(file), "file", f"cannot be read ({exc.strerror})")
