"""Header decoding: RFC 2047 encoded words, raw 8-bit headers and display names."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bridges.core.records import InteractionItem
from bridges.email import read
from bridges.email.headers import decode_words, msg_ids
from tests.bridges.casekit import interactions_of
from tests.bridges.email.mailfiles import OWNER_OPTIONS, message, write


def _q_encode(byte: int) -> str:
    if byte == 0x20:
        return "_"
    if 33 <= byte < 127 and chr(byte) not in "=?_":
        return chr(byte)
    return f"={byte:02X}"


def _encode_word(data: bytes, charset: str, encoding: str) -> str:
    if encoding == "B":
        text = base64.b64encode(data).decode("ascii")
    else:
        text = "".join(_q_encode(byte) for byte in data)
    return f"=?{charset}?{encoding}?{text}?="


def _split_words(text: str, charset: str, encoding: str, cut: int) -> tuple[str, str]:
    data = text.encode(charset)
    return _encode_word(data[:cut], charset, encoding), _encode_word(data[cut:], charset, encoding)


def _read_one(tmp_path: Path, data: bytes) -> InteractionItem:
    (item,) = interactions_of(read(write(tmp_path / "message.eml", data), OWNER_OPTIONS))
    return item


@pytest.mark.parametrize(
    ("text", "charset", "encoding", "cut"),
    [
        ("Grüße aus Köln", "utf-8", "B", 3),
        ("Preis: 5 €", "utf-8", "B", 10),
        ("Party 🎉 tonight", "utf-8", "B", 8),
        ("Grüße aus Köln", "utf-8", "Q", 3),
        ("会議の予定", "shift_jis", "B", 3),
        ("会議の予定", "shift_jis", "Q", 1),
        ("你好世界", "gb2312", "B", 3),
        ("안녕하세요", "euc-kr", "B", 5),
        ("Ελληνικά νέα", "utf-8", "Q", 1),
    ],
)
@pytest.mark.parametrize("fold", ["\n ", " ", "\n\t"])
def test_split_multibyte_subject(tmp_path: Path, text: str, charset: str, encoding: str, cut: int, fold: str) -> None:
    first, second = _split_words(text, charset, encoding, cut)
    with pytest.raises(UnicodeDecodeError):
        text.encode(charset)[:cut].decode(charset)  # The cut really falls inside a character.

    item = _read_one(tmp_path, message(subject=first + fold + second))

    assert item.subject == text


def test_split_iso_2022_jp_subject(tmp_path: Path) -> None:
    # ISO-2022-JP is stateful: the escape that switches to JIS X 0208 is in the first word.
    first, second = _split_words("会議の予定", "iso-2022-jp", "B", 6)

    item = _read_one(tmp_path, message(subject=f"{first} {second}"))

    assert item.subject == "会議の予定"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=?utf-8?b?R3LDvMOfZQ==?=", "Grüße"),
        ("=?UTF-8?q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        ("=?utf-8?B?R3LDvMOfZQ?=", "Grüße"),
        ("=?iso-8859-1?Q?J=F6rg?= =?utf-8?Q?_M=C3=BCller?=", "Jörg Müller"),
        ("=?utf-8?Q?Caf=C3=A9?= meeting", "Café meeting"),
        ("Re: =?utf-8?Q?Caf=C3=A9?=", "Re: Café"),
        ("Re:=?utf-8?Q?Caf=C3=A9?=", "Re:Café"),
        ("=?utf-8*de?Q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        ("=?x-unknown?Q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        ("=?us-ascii?Q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        ("=?iso-8859-1?Q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        ("=?utf-8?Q?Gr=FC=DFe?=", "Grüße"),
        ("=?windows-1252?Q?=80_5?=", "€ 5"),
        ("=?utf-8?B?not*base64?= rest", "=?utf-8?B?not*base64?= rest"),
        ("50% =?utf-8?Q?off?= =? not a word", "50% off =? not a word"),
    ],
)
def test_encoded_word_variants(raw: str, expected: str) -> None:
    assert decode_words(raw) == expected


@pytest.mark.parametrize(
    ("raw_subject", "expected"),
    [
        ("Grüße aus Köln".encode("utf-8"), "Grüße aus Köln"),
        ("Grüße aus Köln".encode("cp1252"), "Grüße aus Köln"),
    ],
)
def test_raw_8bit_subject(tmp_path: Path, raw_subject: bytes, expected: str) -> None:
    data = message(subject="PLACEHOLDER").replace(b"PLACEHOLDER", raw_subject)

    item = _read_one(tmp_path, data)

    assert item.subject == expected


@pytest.mark.parametrize(
    ("sender", "expected_name"),
    [
        ("=?iso-8859-1?Q?J=F6rg_Example?= <joerg@example.com>", "Jörg Example"),
        ('"=?utf-8?B?SsO2cmc=?= Example" <joerg@example.com>', "Jörg Example"),
        ("=?utf-8?Q?Example=2C_J=C3=B6rg?= <joerg@example.com>", "Example, Jörg"),
        ('"Example, Jörg" <joerg@example.com>', "Example, Jörg"),
        ("joerg@example.com (=?utf-8?Q?J=C3=B6rg?=)", "Jörg"),
        ("<joerg@example.com>", None),
    ],
)
def test_sender_display_names(tmp_path: Path, sender: str, expected_name: str | None) -> None:
    item = _read_one(tmp_path, message(sender=sender))

    (participant,) = item.participants
    assert participant.handle == "joerg@example.com"
    assert participant.role == "from"
    assert participant.name == expected_name


def test_recipient_list_with_encoded_names(tmp_path: Path) -> None:
    to = "=?utf-8?Q?B=C3=B6b?= <bob@example.com>, Alice <Alice@Example.com>,\n =?utf-8?B?Q2xhcmE=?= <clara@example.com>"
    data = message(sender="Dora <dora@example.com>", to=to, headers=("Cc: undisclosed-recipients:;",))

    item = _read_one(tmp_path, data)

    assert [(p.handle, p.name, p.role) for p in item.participants] == [
        ("dora@example.com", "Dora", "from"),
        ("bob@example.com", "Böb", "to"),
        ("clara@example.com", "Clara", "to"),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<abc@example.com>", ["<abc@example.com>"]),
        ("  <abc@\n example.com>  ", ["<abc@example.com>"]),
        ("abc@example.com", ["<abc@example.com>"]),
        ("<a@example.com> <b@example.com>", ["<a@example.com>", "<b@example.com>"]),
        ("Your message of Monday <a@example.com>", ["<a@example.com>"]),
        ("<>", []),
        ("Your message of Monday", []),
        (None, []),
    ],
)
def test_msg_ids(raw: str | None, expected: list[str]) -> None:
    assert msg_ids(raw) == expected
