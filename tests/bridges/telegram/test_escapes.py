"""The `\\xHH` escapes Telegram Desktop writes for control characters, and their traps."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.core.records import ReadOptions
from bridges.telegram import read
from bridges.telegram.escapes import EscapeRepairingReader
from tests.bridges.casekit import errors_of, interactions_of

# A single-chat export written byte for byte, with placeholders for the raw JSON string
# contents of the chat name, the sender name and the text.
EXPORT_TEMPLATE = b"""{
 "name": "CHAT",
 "type": "personal_chat",
 "id": 4000000101,
 "messages": [
  {
   "id": 1,
   "type": "message",
   "date": "2023-06-01T11:00:00",
   "date_unixtime": "1685606400",
   "from": "SENDER",
   "from_id": "user4000000101",
   "text": [
    "TEXT",
    {
     "type": "bold",
     "text": "TEXT"
    }
   ]
  }
 ]
}
"""


def _write(tmp_path: Path, chat: bytes = b"Bob", sender: bytes = b"Bob", text: bytes = b"hi", bom: bytes = b"") -> str:
    raw = EXPORT_TEMPLATE.replace(b"CHAT", chat).replace(b"SENDER", sender).replace(b"TEXT", text)
    path = tmp_path / "result.json"
    path.write_bytes(bom + raw)
    return str(path)


def _read_item(path: str, me: tuple[str, ...] = ()):
    records = list(read(path, ReadOptions(me=me)))
    assert errors_of(records) == []
    (item,) = interactions_of(records)
    return item


# (raw JSON string content, the text it must decode to)
ESCAPE_VARIANTS = [
    (rb"page\x0Cbreak", "page\x0cbreak"),
    (rb"bell\x07", "bell\x07"),
    (rb"\x1f unit separator", "\x1f unit separator"),
    (rb"lower \x1b hex", "lower \x1b hex"),
    (rb"two\x01\x02", "two\x01\x02"),
    (rb"path C:\\x41", "path C:\\x41"),
    (rb"escaped backslash then \\\x41", "escaped backslash then \\A"),
    (rb"double \\\\x41", "double \\\\x41"),
    (rb"unicode \u005Cx41", "unicode \\x41"),
    (rb"quote \" then \x0C", 'quote " then \x0c'),
]


@pytest.mark.parametrize(("raw", "decoded"), ESCAPE_VARIANTS, ids=[v[1].encode().hex()[:24] for v in ESCAPE_VARIANTS])
def test_escape_in_text(tmp_path: Path, raw: bytes, decoded: str) -> None:
    item = _read_item(_write(tmp_path, text=raw))

    assert item.content == decoded + decoded


@pytest.mark.parametrize(("raw", "decoded"), ESCAPE_VARIANTS, ids=[v[1].encode().hex()[:24] for v in ESCAPE_VARIANTS])
def test_escape_in_sender_name(tmp_path: Path, raw: bytes, decoded: str) -> None:
    item = _read_item(_write(tmp_path, sender=raw))

    (participant,) = item.participants
    assert participant.name == decoded.strip()


def test_escape_in_chat_name(tmp_path: Path) -> None:
    path = _write(tmp_path, chat=rb"B\x01ob", sender=b"Alice")

    item = _read_item(path, me=("Alice",))

    (participant,) = item.participants
    assert participant.role == "to"
    assert participant.name == "B\x01ob"


def test_nul_escape_dropped_from_text(tmp_path: Path) -> None:
    item = _read_item(_write(tmp_path, text=rb"a\x00b"))

    assert item.content == "abab"


def test_byte_order_mark_ignored(tmp_path: Path) -> None:
    item = _read_item(_write(tmp_path, text=rb"x\x0C", bom=b"\xef\xbb\xbf"))

    assert item.content == "x\x0cx\x0c"


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4, 5, 7, 64])
def test_reader_splits_no_escape(tmp_path: Path, chunk_size: int) -> None:
    data = rb'["\x41\\x42\\\x43\\\\x44\"\x0c", "\u00e9\x1F"]' * 3
    path = tmp_path / "escapes.json"
    path.write_bytes(data)

    with path.open("rb") as raw:
        reader = EscapeRepairingReader(raw, chunk_size=chunk_size)
        pieces = []
        while piece := reader.read(3):
            pieces.append(piece)

    assert b"".join(pieces) == rb'["\u0041\\x42\\\u0043\\\\x44\"\u000c", "\u00e9\u001F"]' * 3
