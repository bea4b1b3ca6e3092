"""Open a WhatsApp chat export: the .txt itself or the .zip that "Export chat" writes.

Android writes "WhatsApp Chat with <chat>.txt", inside "WhatsApp Chat with <chat>.zip"
when media are included, with the media files beside the text. iOS always writes a zip,
"WhatsApp Chat - <chat>.zip", holding "_chat.txt" and the media. The chat's name, and
the language of the phone, are read from these file names.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath
from typing import Iterator

from bridges.whatsapp.phrases import FILE_NAME_PREFIXES, IOS_CHAT_MEMBER

# " (1)", " (2)": the suffix a browser or file manager adds to a second download of
# the same name. It is no part of the chat's name.
_COPY_SUFFIX = re.compile(r" \(\d{1,3}\)$")


class ExportError(Exception):
    """The file is no readable chat export; the message gives the reason."""


@dataclass(frozen=True)
class ChatExport:
    path: str
    chat_name: str | None  # None when the file name follows no known pattern
    language: str | None  # language of the file name prefix, such as "de"
    member: str | None  # the chat text inside the zip, None for a plain .txt
    media_names: frozenset[str]  # file names beside the chat text in the zip

    @contextmanager
    def open_lines(self) -> Iterator[Iterator[str]]:
        """Yield an iterator over the chat's lines, without line ends and without a BOM."""
        if self.member is None:
            with open(self.path, encoding="utf-8-sig", errors="replace", newline=None) as text:
                yield _without_line_ends(text)
            return
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline=None)
            yield _without_line_ends(text)


def open_export(path: str) -> ChatExport:
    """Return the export at `path`, or raise ExportError."""
    if not os.path.isfile(path):
        raise ExportError("file not found")
    if not zipfile.is_zipfile(path):
        chat_name, language = chat_name_from_file_name(PurePath(path).name)
        if chat_name is None and PurePath(path).name == IOS_CHAT_MEMBER:
            # An unpacked iOS zip: the folder keeps the zip's name.
            chat_name, language = chat_name_from_file_name(PurePath(path).parent.name)
        return ChatExport(path, chat_name, language, None, frozenset())

    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportError(f"cannot read the zip file ({exc})") from exc

    member = _chat_member(names)
    chat_name, language = chat_name_from_file_name(PurePosixPath(member).name)
    if chat_name is None:
        chat_name, language = chat_name_from_file_name(PurePath(path).name)
    media = frozenset(PurePosixPath(name).name for name in names if name != member)
    return ChatExport(path, chat_name, language, member, media)


def chat_name_from_file_name(file_name: str) -> tuple[str | None, str | None]:
    """Return `(chat name, language)` from an export's file or folder name."""
    stem = unicodedata.normalize("NFC", file_name)
    for extension in (".txt", ".zip"):
        stem = stem.removesuffix(extension)
    stem = _COPY_SUFFIX.sub("", stem).strip()
    for prefix, language in FILE_NAME_PREFIXES:
        found = prefix.match(stem)
        if found is not None and stem[found.end() :].strip():
            return stem[found.end() :].strip(), language
    return None, None


def _chat_member(names: list[str]) -> str:
    texts = [name for name in names if name.lower().endswith(".txt")]
    for name in texts:
        if PurePosixPath(name).name == IOS_CHAT_MEMBER:
            return name
    for name in texts:
        if chat_name_from_file_name(PurePosixPath(name).name)[0] is not None:
            return name
    if len(texts) == 1:
        return texts[0]
    if not texts:
        raise ExportError("the zip file contains no .txt chat")
    raise ExportError(f"the zip file contains {len(texts)} .txt files and none is named like a chat export")


def _without_line_ends(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        yield line.rstrip("\n")
