"""Turn one line of `signal-cli -o json receive` into an interaction, a skip or an error.

Each line is `{"envelope": {...}, "account": "+1555..."}`, plus `exception` when signal-cli
could not process the envelope. What the envelope carries decides what it is:

- `dataMessage`: a message someone sent to the owner (inbound);
- `syncMessage.sentMessage`: a message the owner sent from another device, with
  `destination*` or `groupInfo` (outbound), or `editMessage` when it edits one;
- `editMessage`, `receiptMessage`, `typingMessage`, `callMessage`, `storyMessage` and the
  other sync messages are no new interactions.

Signal identifies a message by its author and the sender's `timestamp` in milliseconds
(reactions, quotes, edits and deletes point at that pair), so the source id is
`<author>:<timestamp>`. The author is the sender's E.164 number, or the account UUID
when the envelope carries no number. Outbound messages follow the same rule with the
owner's own number from the sync envelope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import ValidationError

from bridges.core.records import InteractionItem, ParseError, Participant, Record, Skipped
from bridges.signal.address import Address, address_of
from bridges.signal.data import data_metadata, message_text, skip_reason_for_data
from bridges.signal.owner import Owner

SOURCE = "signal"
# signal-cli's `exception.type` is a Java class name; nothing else is echoed.
JAVA_CLASS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,100}")

# Envelope parts that are never new interactions, and why.
NON_MESSAGE_PARTS = {
    "editMessage": "edit of an earlier message",
    "receiptMessage": "delivery or read receipt",
    "typingMessage": "typing indicator",
    "callMessage": "call signalling message",
    "storyMessage": "story",
}


@dataclass(frozen=True)
class LineContext:
    """The position of a line and the state its conversion needs besides the envelope."""

    path: str
    location: str
    owner: Owner
    region: str | None
    # The `account` field of the line: the owner's number, the sender of sync messages.
    account: Address


def convert_line(path: str, line_number: int, line: Any, owner: Owner, region: str | None) -> Record:
    """Return the record for one parsed line of signal-cli output."""
    location = f"line {line_number}"
    envelope = line.get("envelope") if isinstance(line, dict) else None
    if not isinstance(envelope, dict):
        return ParseError(path, location, _missing_envelope_reason(line))
    context = LineContext(path, location, owner, region, address_of(line.get("account"), None, None, region))

    sync = envelope.get("syncMessage")
    if isinstance(envelope.get("dataMessage"), dict):
        return _convert_data(context, envelope, envelope["dataMessage"], sent=None)
    if isinstance(sync, dict) and isinstance(sync.get("sentMessage"), dict):
        sent = sync["sentMessage"]
        if "editMessage" in sent:
            return Skipped(path, location, "edit of an earlier message, sent from another device")
        return _convert_data(context, envelope, sent, sent=sent)
    if isinstance(sync, dict):
        return Skipped(path, location, "sync message (read receipts, contacts or settings)")
    for part, reason in NON_MESSAGE_PARTS.items():
        if part in envelope:
            return Skipped(path, location, reason)
    return Skipped(path, location, "envelope without content")


def _missing_envelope_reason(line: Any) -> str:
    exception = line.get("exception") if isinstance(line, dict) else None
    if isinstance(exception, dict):
        kind = exception.get("type")
        named = kind if isinstance(kind, str) and JAVA_CLASS_NAME.fullmatch(kind) else "unknown"
        return f"signal-cli reported an error ({named}) and wrote no envelope"
    return "line is not a signal-cli envelope (no `envelope` object)"


def _convert_data(
    context: LineContext, envelope: dict[str, Any], data: dict[str, Any], sent: dict[str, Any] | None
) -> Record:
    """Convert a data message; `sent` is the sync sentMessage when the owner sent it elsewhere."""
    path, location, region = context.path, context.location, context.region
    reason = skip_reason_for_data(data)
    if reason is not None:
        return Skipped(path, location, reason)

    sender = address_of(
        envelope.get("sourceNumber"), envelope.get("sourceUuid"), envelope.get("source"), region,
        envelope.get("sourceName"),
    )
    if sent is not None and sender.author is None:
        sender = context.account
    if sender.author is None:
        return ParseError(path, location, "envelope names no sender number or UUID")
    timestamp_ms = _timestamp_ms(data.get("timestamp")) or _timestamp_ms(envelope.get("timestamp"))
    if timestamp_ms is None:
        return ParseError(path, location, "message has no timestamp")

    try:
        occurred_at = _from_ms(timestamp_ms)
    except (OverflowError, OSError, ValueError):
        return ParseError(path, location, "timestamp is out of range")

    outbound = sent is not None or context.owner.is_owner(sender.number, sender.uuid)
    try:
        return InteractionItem(
            source=SOURCE,
            source_id=f"{sender.author}:{timestamp_ms}",
            type="message",
            occurred_at=occurred_at,
            direction="outbound" if outbound else "inbound",
            content=message_text(data),
            thread_id=_thread_id(data, sender, sent, region, outbound),
            participants=_participants(sender, sent, region, outbound),
            metadata=data_metadata(data, region),
        )
    except ValidationError as exc:
        return ParseError(path, location, _describe(exc))


def _participants(sender: Address, sent: dict[str, Any] | None, region: str | None, outbound: bool) -> list[Participant]:
    if not outbound:
        participant = sender.participant("from")
        return [participant] if participant else []
    if sent is None:
        return []
    participant = _destination(sent, region).participant("to")
    return [participant] if participant else []


def _destination(sent: dict[str, Any], region: str | None) -> Address:
    return address_of(sent.get("destinationNumber"), sent.get("destinationUuid"), sent.get("destination"), region)


def _thread_id(
    data: dict[str, Any], sender: Address, sent: dict[str, Any] | None, region: str | None, outbound: bool
) -> str | None:
    group = data.get("groupInfo")
    if isinstance(group, dict) and isinstance(group.get("groupId"), str) and group["groupId"]:
        return group["groupId"]
    if outbound:
        return _destination(sent, region).author if sent is not None else None
    return sender.author


def _timestamp_ms(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def _from_ms(timestamp_ms: int) -> datetime:
    seconds, milliseconds = divmod(timestamp_ms, 1000)
    return datetime.fromtimestamp(seconds, timezone.utc) + timedelta(milliseconds=milliseconds)


def _describe(error: ValidationError) -> str:
    """Describe a rejected item by field and rule only: pydantic's input echo is content."""
    problems = [f"{'.'.join(str(part) for part in detail['loc'])}: {detail['msg']}" for detail in error.errors()]
    return "invalid interaction: " + "; ".join(problems)
