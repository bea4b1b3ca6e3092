"""Reader for the calls-*.xml files of the Android app "SMS Backup & Restore".

A record looks like (attributes trimmed):

    <call number="+15550142" duration="95" date="1709913600000" type="1" presentation="1"
          readable_date="Mar 8, 2024 11:00:00 AM" contact_name="Alice Example" />

`date` is epoch milliseconds, `duration` seconds, `type` a `CallLog.Calls` type code and
`presentation` a `CallLog.Calls.PRESENTATION_*` code (see `bridges.android_backup.numbers`).
"""

from __future__ import annotations

from typing import Iterator

from bridges.android_backup import fields
from bridges.android_backup.fields import InvalidRecord
from bridges.android_backup.numbers import parse_presentation, resolve_counterpart
from bridges.android_backup.stream import RecordElement, XmlSyntaxError, iter_records
from bridges.calls.call import (
    ANSWERED,
    ANSWERED_ELSEWHERE,
    BLOCKED,
    MISSED,
    REJECTED,
    VOICEMAIL,
    Call,
    call_item,
)
from bridges.core.records import ParseError, ReadOptions, Record, Skipped
from hub.contacts.handles import InvalidHandle

ROOT_TAG = "calls"
RECORD_TAG = "call"

# CallLog.Calls.TYPE codes (Android API 1-24).
INCOMING_TYPE = 1
OUTGOING_TYPE = 2
MISSED_TYPE = 3
VOICEMAIL_TYPE = 4
REJECTED_TYPE = 5
BLOCKED_TYPE = 6
ANSWERED_EXTERNALLY_TYPE = 7  # answered on another device linked to the same number

CALL_TYPES: dict[int, tuple[str, str]] = {
    INCOMING_TYPE: ("inbound", ANSWERED),
    OUTGOING_TYPE: ("outbound", ANSWERED),
    MISSED_TYPE: ("inbound", MISSED),
    VOICEMAIL_TYPE: ("inbound", VOICEMAIL),
    REJECTED_TYPE: ("inbound", REJECTED),
    BLOCKED_TYPE: ("inbound", BLOCKED),
    ANSWERED_EXTERNALLY_TYPE: ("inbound", ANSWERED_ELSEWHERE),
}


def read_xml(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield one record per `<call>` of the file, in file order."""
    for event in iter_records(path, frozenset({RECORD_TAG})):
        if isinstance(event, str):
            if event != ROOT_TAG:
                yield ParseError(path, "line 1", f"not a call log backup: root element is <{event}>, expected <{ROOT_TAG}>")
                return
        elif isinstance(event, XmlSyntaxError):
            yield ParseError(path, f"line {event.line}", event.reason)
        else:
            yield _read_call(path, event, options)


def _read_call(path: str, record: RecordElement, options: ReadOptions) -> Record:
    location = f"line {record.line}"
    element = record.element
    if element.tag != RECORD_TAG:
        return Skipped(path, location, f"<{element.tag}> is not a call")
    try:
        call = _call_of(element.attrib, options)
    except InvalidRecord as exc:
        return ParseError(path, location, str(exc))
    except InvalidHandle as exc:
        return ParseError(path, location, f"number {exc}")
    return call_item(call, path, location)


def _call_of(attributes: dict[str, str], options: ReadOptions) -> Call:
    type_code = fields.integer(attributes.get("type"), "type")
    if type_code not in CALL_TYPES:
        raise InvalidRecord(f"unknown call type code {type_code}")
    direction, status = CALL_TYPES[type_code]

    duration = fields.integer(attributes.get("duration"), "duration")
    if duration < 0:
        raise InvalidRecord("duration is negative")

    number = attributes.get("number", "")
    presentation = parse_presentation(attributes.get("presentation"))
    return Call(
        occurred_at=fields.epoch_ms(attributes.get("date"), "date"),
        direction=direction,
        status=status,
        number=number,
        counterpart=resolve_counterpart(number, presentation, options.phone_region),
        name=fields.contact_name(attributes.get("contact_name")),
        duration_seconds=duration,
    )
