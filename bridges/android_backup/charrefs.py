"""Repair of character references and bytes that XML 1.0 forbids, on a byte stream.

"SMS Backup & Restore" serialises each UTF-16 code unit of a message on its own, so an emoji
such as U+1F600 becomes `&#55357;&#56832;` (two surrogate references). XML allows no
surrogate code points, and expat, libxml2 and every browser reject the whole file. Older
versions also wrote surrogates as raw CESU-8 bytes (`ED A0 BD ED B8 80`) and control
characters either raw or as references such as `&#8;`.

`repair_chunks` rewrites these tokens without decoding the file, so it works on a stream:

- a high surrogate directly followed by a low surrogate becomes one `&#NNNNNN;` reference;
- a lone surrogate, a forbidden control character, U+FFFE or U+FFFF becomes U+FFFD;
- every other byte passes through unchanged, newlines included, so line numbers stay valid.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

REPLACEMENT_REF = b"&#65533;"
REPLACEMENT_UTF8 = "\ufffd".encode()

HIGH_SURROGATES = range(0xD800, 0xDC00)
LOW_SURROGATES = range(0xDC00, 0xE000)

# One token: a numeric character reference, a CESU-8 encoded surrogate (lead byte ED, then
# A0..BF, which valid UTF-8 never contains), or a raw control byte that XML 1.0 forbids.
# Tab, LF and CR are allowed. None of these tokens contains a newline.
TOKEN = re.compile(
    rb"&#(?:(?P<dec>[0-9]{1,10})|[xX](?P<hex>[0-9a-fA-F]{1,8}));"
    rb"|(?P<cesu>\xED[\xA0-\xBF][\x80-\xBF])"
    rb"|(?P<control>[\x00-\x08\x0B\x0C\x0E-\x1F])"
)

# A pair of references is at most 2 * 14 bytes. Keeping that many bytes back between chunks
# means no token or pair is cut in two.
HOLDBACK = 32
CHUNK_SIZE = 64 * 1024


def _code_unit(match: re.Match[bytes]) -> int | None:
    """Return the code point a token stands for, or None for a raw control byte."""
    if match["dec"] is not None:
        return int(match["dec"])
    if match["hex"] is not None:
        return int(match["hex"], 16)
    if match["cesu"] is not None:
        lead, second, third = match["cesu"]
        return ((lead & 0x0F) << 12) | ((second & 0x3F) << 6) | (third & 0x3F)
    return None


def _is_xml_char(code_point: int) -> bool:
    """Tell whether XML 1.0 allows the code point (production [2] Char)."""
    return (
        code_point in (0x9, 0xA, 0xD)
        or 0x20 <= code_point <= 0xD7FF
        or 0xE000 <= code_point <= 0xFFFD
        or 0x10000 <= code_point <= 0x10FFFF
    )


def _replacement_for(match: re.Match[bytes], code_unit: int | None) -> bytes:
    """Return what a token that is not part of a surrogate pair becomes."""
    if code_unit is None:
        return REPLACEMENT_UTF8
    if match["cesu"] is None and _is_xml_char(code_unit):
        return match[0]
    return REPLACEMENT_REF if match["cesu"] is None else REPLACEMENT_UTF8


def repair(data: bytes) -> bytes:
    """Return `data` with surrogate pairs combined and forbidden characters replaced."""
    pieces: list[bytes] = []
    position = 0
    pending: tuple[re.Match[bytes], int] | None = None

    for match in TOKEN.finditer(data):
        code_unit = _code_unit(match)
        if pending is not None:
            high_match, high = pending
            pending = None
            if match.start() == high_match.end() and code_unit in LOW_SURROGATES:
                combined = 0x10000 + ((high - 0xD800) << 10) + (code_unit - 0xDC00)
                pieces.append(b"&#%d;" % combined)
                position = match.end()
                continue
            pieces.append(_replacement_for(high_match, high))
            position = high_match.end()

        pieces.append(data[position : match.start()])
        position = match.start()
        if code_unit in HIGH_SURROGATES:
            pending = (match, code_unit)
            continue
        pieces.append(_replacement_for(match, code_unit))
        position = match.end()

    if pending is not None:
        high_match, high = pending
        pieces.append(_replacement_for(high_match, high))
        position = high_match.end()
    pieces.append(data[position:])
    return b"".join(pieces)


def safe_cut(data: bytes) -> int:
    """Return how many leading bytes of `data` can be repaired before more data arrives.

    The cut never falls inside a token, nor between a high surrogate and the token after it,
    and leaves at least HOLDBACK bytes for the next round.
    """
    cut = len(data) - HOLDBACK
    if cut <= 0:
        return 0
    near_cut = [m for m in TOKEN.finditer(data, max(0, cut - 2 * HOLDBACK)) if m.start() < cut]
    for match in reversed(near_cut):
        straddles = match.end() > cut
        high_at_cut = match.end() == cut and _code_unit(match) in HIGH_SURROGATES
        if not (straddles or high_at_cut):
            break
        cut = match.start()
    return cut


def repair_chunks(source: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Read `source` to its end and yield the repaired bytes in chunks."""
    buffer = b""
    while True:
        data = source.read(chunk_size)
        if not data:
            break
        buffer += data
        cut = safe_cut(buffer)
        if cut:
            yield repair(buffer[:cut])
            buffer = buffer[cut:]
    if buffer:
        yield repair(buffer)
