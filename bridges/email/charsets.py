"""Decoding of mail bytes whose declared charset may be missing, unknown or wrong.

The order is: the declared charset (through the superset table below), then UTF-8, then
windows-1252, then ISO-8859-1, which decodes any byte string, so decoding never fails.
One exception: text labelled with a Western single-byte charset that is valid UTF-8 is
decoded as UTF-8, because mailers often label UTF-8 text as ISO-8859-1 or US-ASCII, and
non-ASCII text in those charsets is almost never valid UTF-8 by accident.
"""

from __future__ import annotations

import codecs

# Labels that mailers write for a charset while they use a superset of it. The mapping
# follows the label table of the WHATWG Encoding Standard (encoding.spec.whatwg.org),
# which browsers apply to the same labels.
SUPERSETS = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "big5": "big5hkscs",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "x-mac-roman": "mac-roman",
}

# Codecs that decode the bytes of almost any text without error, so a successful decode
# does not show that the label was right.
WESTERN_SINGLE_BYTE = {"cp1252", "iso8859-15", "mac-roman"}

# Codecs whose encoded form is pure 7-bit ASCII, so ASCII input still needs them.
SEVEN_BIT_CODECS = {"utf-7", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_kr", "hz"}


def codec_for(label: str | None) -> str | None:
    """Return the Python codec name for a MIME charset label, or None when it is unknown."""
    if not label:
        return None
    name = label.strip().strip('"').lower()
    # RFC 2231 allows a language suffix: "utf-8*de".
    name = name.split("*", 1)[0]
    name = SUPERSETS.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    try:
        # Rejects bytes-to-bytes codecs such as "base64", which codecs.lookup accepts.
        b"A".decode(codec)
    except LookupError:
        return None
    except UnicodeDecodeError:
        pass
    return codec


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_bytes(data: bytes, label: str | None) -> str:
    """Decode mail bytes declared as `label` (may be None), falling back as described above."""
    codec = codec_for(label)
    if data.isascii() and codec not in SEVEN_BIT_CODECS:
        return data.decode("ascii")
    if codec in WESTERN_SINGLE_BYTE and _is_utf8(data):
        codec = "utf-8"

    for candidate in (codec, "utf-8", "cp1252"):
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
