"""Variants of the faults in Android call log backups: type codes, hidden numbers, bad XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.calls import read
from bridges.core.records import InteractionItem, ParseError, ReadOptions, Skipped
from hub.contacts.handles import NO_DEFAULT_REGION
from tests.bridges.calls.callfiles import FIRST_CALL_MS, call_line, write_calls
from tests.bridges.casekit import errors_of, interactions_of

OPTIONS = ReadOptions(phone_region="US")


def _only_item(path: str) -> InteractionItem:
    records = list(read(path, OPTIONS))
    assert errors_of(records) == []
    (item,) = interactions_of(records)
    return item


@pytest.mark.parametrize(
    ("call_type", "direction", "status", "role"),
    [
        (1, "inbound", "answered", "from"),
        (2, "outbound", "answered", "to"),
        (3, "inbound", "missed", "from"),
        (4, "inbound", "voicemail", "from"),
        (5, "inbound", "rejected", "from"),
        (6, "inbound", "blocked", "from"),
        (7, "inbound", "answered_elsewhere", "from"),
    ],
)
def test_call_type_codes(tmp_path: Path, call_type: int, direction: str, status: str, role: str) -> None:
    item = _only_item(write_calls(tmp_path, [call_line(call_type=call_type)]))

    assert item.type == "call"
    assert item.source == "phone"
    assert item.direction == direction
    assert item.metadata["call_status"] == status
    assert item.participants[0].role == role
    assert item.participants[0].handle == "+15550142"


def test_unknown_type_code_is_error(tmp_path: Path) -> None:
    path = write_calls(tmp_path, [call_line(), call_line(call_type=9, date=FIRST_CALL_MS + 1000)])
    records = list(read(path, OPTIONS))

    assert len(interactions_of(records)) == 1
    (error,) = errors_of(records)
    assert error.location == "line 6"
    assert "unknown call type code 9" in error.reason


@pytest.mark.parametrize(
    ("number", "presentation", "expected_presentation"),
    [
        ("", 2, "restricted"),
        ("-2", 2, "restricted"),
        ("-1", 3, "unknown"),
        ("-3", 4, "payphone"),
        ("", 4, "payphone"),
        ("", 3, "unknown"),
        ("-2", 1, "restricted"),
        ("-1", None, "unknown"),
        ("-3", None, "payphone"),
        ("", None, "unknown"),
        ("+15550142", 2, "restricted"),
    ],
)
def test_hidden_numbers_never_become_handles(
    tmp_path: Path, number: str, presentation: int | None, expected_presentation: str
) -> None:
    line = call_line(number=number, presentation=presentation, name="(Unknown)", call_type=3, duration=0)
    item = _only_item(write_calls(tmp_path, [line]))

    assert item.participants == []
    assert item.metadata["counterpart_withheld"] is True
    assert item.metadata["presentation"] == expected_presentation


def test_allowed_presentation_keeps_number(tmp_path: Path) -> None:
    item = _only_item(write_calls(tmp_path, [call_line(number="(555) 014-2", presentation=1)]))

    assert item.participants[0].handle == "+15550142"
    assert item.participants[0].kind == "phone"
    assert "counterpart_withheld" not in item.metadata
    assert "presentation" not in item.metadata


def test_withheld_calls_are_not_merged(tmp_path: Path) -> None:
    lines = [
        call_line(number="-2", presentation=2, date=FIRST_CALL_MS, call_type=3, duration=0),
        call_line(number="-2", presentation=2, date=FIRST_CALL_MS + 60_000, call_type=3, duration=0),
        call_line(number="", presentation=2, date=FIRST_CALL_MS + 120_000, call_type=1, duration=30),
    ]
    items = interactions_of(read(write_calls(tmp_path, lines), OPTIONS))

    assert len(items) == 3
    assert len({item.source_id for item in items}) == 3
    assert all(item.participants == [] for item in items)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alice &#55357;&#56832; Example", "Alice \U0001f600 Example"),
        ("Alice &#xD83D;&#xDE00; Example", "Alice \U0001f600 Example"),
        ("&#55357;&#56832;&#55357;&#56832;", "\U0001f600\U0001f600"),
        ("Flag &#55356;&#56825;&#55356;&#56810;", "Flag \U0001f1f9\U0001f1ea"),
        ("Caf&#233; &#55357;&#56832;", "Caf\u00e9 \U0001f600"),
        ("Lone high &#55357; end", "Lone high \ufffd end"),
        ("Lone low &#56832; end", "Lone low \ufffd end"),
        ("Reversed &#56832;&#55357;", "Reversed \ufffd\ufffd"),
        ("High then text &#55357;x&#56832;", "High then text \ufffdx\ufffd"),
        ("Backspace&#8;here", "Backspace\ufffdhere"),
        ("Escaped &amp;#55357; text", "Escaped &#55357; text"),
    ],
)
def test_character_references_in_names(tmp_path: Path, name: str, expected: str) -> None:
    lines = [call_line(name=name), call_line(date=FIRST_CALL_MS + 1000, name="Bob Example")]
    records = list(read(write_calls(tmp_path, lines), OPTIONS))

    assert errors_of(records) == []
    items = interactions_of(records)
    assert [item.participants[0].name for item in items] == [expected, "Bob Example"]


def test_cesu8_surrogate_bytes_in_name(tmp_path: Path) -> None:
    path = Path(write_calls(tmp_path, [call_line(name="Alice SMILE Example")]))
    cesu8_smile = b"\xed\xa0\xbd\xed\xb8\x80"  # U+1F600 as two encoded UTF-16 surrogates
    path.write_bytes(path.read_bytes().replace(b"SMILE", cesu8_smile))

    item = _only_item(str(path))
    assert item.participants[0].name == "Alice \U0001f600 Example"


def test_bad_attribute_mid_file_is_error(tmp_path: Path) -> None:
    lines = [
        call_line(date=FIRST_CALL_MS),
        call_line(date="Mar 8, 2024"),
        call_line(date=FIRST_CALL_MS + 2000, duration="-5"),
        call_line(date=FIRST_CALL_MS + 3000, name="Carol Example"),
    ]
    records = list(read(write_calls(tmp_path, lines), OPTIONS))

    assert [type(record) for record in records] == [InteractionItem, ParseError, ParseError, InteractionItem]
    errors = errors_of(records)
    assert [error.location for error in errors] == ["line 6", "line 7"]
    assert "date" in errors[0].reason
    assert "duration" in errors[1].reason
    assert interactions_of(records)[1].participants[0].name == "Carol Example"


@pytest.mark.parametrize(
    "broken_name",
    ['Tom & Jerry', 'Bad <name>', 'Quote " inside', "Null \x00 byte"],
)
def test_malformed_xml_mid_file_resumes(tmp_path: Path, broken_name: str) -> None:
    lines = [
        call_line(date=FIRST_CALL_MS, name="Alice Example"),
        call_line(date=FIRST_CALL_MS + 1000, name=broken_name),
        call_line(date=FIRST_CALL_MS + 2000, name="Bob Example"),
        call_line(date=FIRST_CALL_MS + 3000, name="Carol Example"),
    ]
    records = list(read(write_calls(tmp_path, lines), OPTIONS))
    names = [item.participants[0].name for item in interactions_of(records)]

    if broken_name.startswith("Null"):
        # A raw control character is replaced, not fatal.
        assert names == ["Alice Example", "Null \ufffd byte", "Bob Example", "Carol Example"]
        assert errors_of(records) == []
        return
    assert names == ["Alice Example", "Bob Example", "Carol Example"]
    (error,) = errors_of(records)
    assert error.location == "line 6"
    assert error.reason.startswith("invalid XML")
    assert broken_name not in error.reason


def test_truncated_file_keeps_read_calls(tmp_path: Path) -> None:
    path = Path(write_calls(tmp_path, [call_line(date=FIRST_CALL_MS), call_line(date=FIRST_CALL_MS + 1000)]))
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.rindex("<call ") + 40], encoding="utf-8")

    records = list(read(str(path), OPTIONS))
    assert len(interactions_of(records)) == 1
    (error,) = errors_of(records)
    assert error.location == "line 6"
    assert error.reason.startswith("invalid XML")


def test_sms_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "sms-20240310110000.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"0\">\n</smses>\n")

    (error,) = list(read(str(path), OPTIONS))
    assert isinstance(error, ParseError)
    assert "<smses>" in error.reason


def test_unknown_element_is_skipped(tmp_path: Path) -> None:
    lines = [call_line(), '  <note text="not a call" />']
    records = list(read(write_calls(tmp_path, lines), OPTIONS))

    assert len(interactions_of(records)) == 1
    assert isinstance(records[1], Skipped)
    assert records[1].location == "line 6"


def test_number_without_region_is_error(tmp_path: Path) -> None:
    records = list(read(write_calls(tmp_path, [call_line(number="555-0142-77")]), ReadOptions()))

    (error,) = errors_of(records)
    assert NO_DEFAULT_REGION in error.reason


@pytest.mark.parametrize(
    ("number", "kind", "handle"),
    [("72975", "other", "72975"), ("sip:alice@example.com", "other", "sip:alice@example.com")],
)
def test_short_codes_and_sip_addresses(tmp_path: Path, number: str, kind: str, handle: str) -> None:
    item = _only_item(write_calls(tmp_path, [call_line(number=number)]))

    assert item.participants[0].kind == kind
    assert item.participants[0].handle == handle


def test_source_id_depends_on_call_values(tmp_path: Path) -> None:
    base = call_line()
    variants = [
        call_line(duration=96),
        call_line(call_type=2),
        call_line(number="+15550143"),
        call_line(date=FIRST_CALL_MS + 1),
    ]
    first_id = _only_item(write_calls(tmp_path, [base], name="calls-1.xml")).source_id
    same_id = _only_item(write_calls(tmp_path, ["", base], name="calls-2.xml")).source_id
    other_ids = {
        _only_item(write_calls(tmp_path, [line], name=f"calls-v{i}.xml")).source_id
        for i, line in enumerate(variants)
    }

    assert same_id == first_id
    assert first_id not in other_ids
    assert len(other_ids) == len(variants)
    assert "+1555" not in first_id


def test_large_file_streams_in_order(tmp_path: Path) -> None:
    count = 5000
    lines = [
        call_line(date=FIRST_CALL_MS + i * 1000, name=f"Caller {i} &#55357;&#56832;", duration=i)
        for i in range(count)
    ]
    records = list(read(write_calls(tmp_path, lines), OPTIONS))

    assert errors_of(records) == []
    items = interactions_of(records)
    assert len(items) == count
    assert [item.duration_seconds for item in items] == list(range(count))
    assert all(item.participants[0].name.endswith("\U0001f600") for item in items)
