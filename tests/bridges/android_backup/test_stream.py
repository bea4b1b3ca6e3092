"""Streaming records of an Android backup file, and going on after bad XML."""

from __future__ import annotations

from pathlib import Path

from bridges.android_backup.stream import RecordElement, XmlSyntaxError, iter_records

TAGS = frozenset({"sms", "mms"})


def _write(folder: Path, body: str) -> str:
    path = folder / "sms-20240310110000.xml"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"3\">\n" + body + "</smses>\n",
        encoding="utf-8",
    )
    return str(path)


def test_records_carry_start_lines(tmp_path: Path) -> None:
    body = (
        '  <sms date="1" />\n'
        '  <mms date="2">\n'
        "    <parts>\n"
        '      <part ct="text/plain" text="hi" />\n'
        "    </parts>\n"
        "  </mms>\n"
        '  <sms date="3" />\n'
    )
    events = list(iter_records(_write(tmp_path, body), TAGS))

    assert events[0] == "smses"
    records = [event for event in events if isinstance(event, RecordElement)]
    assert [(record.line, record.element.get("date")) for record in records] == [(3, "1"), (4, "2"), (9, "3")]
    assert [part.get("text") for part in records[1].element.iter("part")] == ["hi"]


def test_error_inside_multiline_record_resumes(tmp_path: Path) -> None:
    body = (
        '  <sms date="1" />\n'
        '  <mms date="2">\n'
        "    <parts>\n"
        '      <part ct="text/plain" text="fish & chips" />\n'
        "    </parts>\n"
        "  </mms>\n"
        '  <sms date="3" />\n'
        '  <sms date="4" />\n'
    )
    events = list(iter_records(_write(tmp_path, body), TAGS))

    records = [event for event in events if isinstance(event, RecordElement)]
    errors = [event for event in events if isinstance(event, XmlSyntaxError)]
    assert [record.element.get("date") for record in records] == ["1", "3", "4"]
    assert [record.line for record in records] == [3, 9, 10]
    assert [error.line for error in errors] == [6]


def test_two_errors_each_reported(tmp_path: Path) -> None:
    body = '  <sms date="1" body="<" />\n  <sms date="2" />\n  <sms date="3" body="&" />\n  <sms date="4" />\n'
    events = list(iter_records(_write(tmp_path, body), TAGS))

    records = [event for event in events if isinstance(event, RecordElement)]
    errors = [event for event in events if isinstance(event, XmlSyntaxError)]
    assert [(record.line, record.element.get("date")) for record in records] == [(4, "2"), (6, "4")]
    assert [error.line for error in errors] == [3, 5]


def test_entity_declarations_rejected(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE smses [<!ENTITY lol "lol">]>\n<smses><sms body="&lol;" /></smses>\n'
    )
    events = list(iter_records(str(path), TAGS))

    assert not any(isinstance(event, RecordElement) for event in events)
    (error,) = [event for event in events if isinstance(event, XmlSyntaxError)]
    assert "entities" in error.reason


def test_empty_file_yields_error(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_bytes(b"")
    events = list(iter_records(str(path), TAGS))

    assert len(events) == 1
    assert isinstance(events[0], XmlSyntaxError)
