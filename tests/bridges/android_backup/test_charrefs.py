"""Repair of surrogate character references on a stream cut into chunks of any size."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from bridges.android_backup.charrefs import repair, repair_chunks

SAMPLE = (
    b'<sms body="a &#55357;&#56832; b &#xD83C;&#xDF89; c &#55357; d &#56832; e &#233;'
    b' \xed\xa0\xbd\xed\xb8\x80 f &#8; g \x01 h &amp;#55357; i &#10;" />\n'
) * 3
EXPECTED_BODY = (
    'a \U0001f600 b \U0001f389 c \ufffd d \ufffd e \u00e9 \U0001f600 f \ufffd g \ufffd h &#55357; i \n'
)


def _body(data: bytes) -> str:
    first_line = data.split(b"\n")[0]
    return ET.fromstring(first_line).attrib["body"]


def test_repair_whole_sample() -> None:
    assert _body(repair(SAMPLE)) == EXPECTED_BODY


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 8, 9, 13, 16, 31, 32, 33, 64, 4096])
def test_chunks_give_same_bytes(chunk_size: int) -> None:
    repaired = b"".join(repair_chunks(io.BytesIO(SAMPLE), chunk_size=chunk_size))

    assert repaired == repair(SAMPLE)
    assert repaired.count(b"\n") == SAMPLE.count(b"\n")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"&#55357;&#56832;", b"&#128512;"),
        (b"&#xd83d;&#xde00;", b"&#128512;"),
        (b"&#55357;", b"&#65533;"),
        (b"&#56832;", b"&#65533;"),
        (b"&#55357;&#55357;&#56832;", b"&#65533;&#128512;"),
        (b"&#65535;", b"&#65533;"),
        (b"&#0;", b"&#65533;"),
        (b"&#9;&#10;&#13;&#65;", b"&#9;&#10;&#13;&#65;"),
        (b"\xed\xa0\xbd", "\ufffd".encode()),
        (b"\xc3\xa9 \xf0\x9f\x98\x80", b"\xc3\xa9 \xf0\x9f\x98\x80"),
    ],
)
def test_repair_tokens(raw: bytes, expected: bytes) -> None:
    assert repair(raw) == expected


class _CountingReader(io.BytesIO):
    """A byte stream that counts how often it is read."""

    reads = 0

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        return super().read(size)


def test_chunks_read_lazily() -> None:
    source = _CountingReader(SAMPLE * 1000)
    chunks = repair_chunks(source, chunk_size=1024)

    first = next(chunks)
    assert source.reads == 1
    assert 0 < len(first) <= 1024
