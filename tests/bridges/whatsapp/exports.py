"""Write WhatsApp chat exports for tests: .txt files and zips laid out as the app writes them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo

from bridges.core.records import ReadOptions, Record
from bridges.whatsapp import read

ANDROID_NAME = "WhatsApp Chat with Bob Example.txt"
BOM = "\ufeff"


def write_export(
    folder: Path,
    lines: Iterable[str],
    name: str = ANDROID_NAME,
    line_end: str = "\n",
    bom: bool = False,
) -> Path:
    """Write `lines` as an exported .txt; WhatsApp ends the last line too."""
    text = "".join(line + line_end for line in lines)
    path = folder / name
    path.write_bytes(((BOM if bom else "") + text).encode("utf-8"))
    return path


def write_zip(
    folder: Path,
    zip_name: str,
    member_name: str,
    lines: Iterable[str],
    media: Iterable[str] = (),
) -> Path:
    """Write an "Export chat" zip: the chat text and, beside it, media files."""
    path = folder / zip_name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member_name, "".join(line + "\n" for line in lines).encode("utf-8"))
        for media_name in media:
            archive.writestr(media_name, b"\xff\xd8\xff\xe0 not a real picture")
    return path


def read_export(path: Path, zone: str = "UTC", me: tuple[str, ...] = (), phone_region: str | None = None) -> list[Record]:
    return list(read(str(path), ReadOptions(me=me, timezone=ZoneInfo(zone), phone_region=phone_region)))
