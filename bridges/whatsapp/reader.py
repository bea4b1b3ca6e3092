"""Read a WhatsApp chat export (.txt, or the .zip from "Export chat") into interactions.

The export is read twice. The first pass (survey) decides the header shape, the date
order and the chat's other person. The second turns each message into an interaction,
each system notice into a `Skipped`, and each unreadable message into a `ParseError`.
A message starts at a line that is a header of the file's shape with a valid date under
the file's order; every other line continues the message before it, even when it holds
a date, a time or a colon.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bridges.core.records import InteractionItem, ParseError, ReadOptions, Record, Skipped
from bridges.whatsapp.body import MessageText, read_text
from bridges.whatsapp.export_file import ChatExport, ExportError, open_export
from bridges.whatsapp.header import HeaderMatch, match_header
from bridges.whatsapp.people import People
from bridges.whatsapp.source_id import OccurrenceCounter, message_digest
from bridges.whatsapp.survey import ExportSurvey, read_first_line, survey_export

logger = logging.getLogger(__name__)

# Captions longer than this are cut in the metadata copy (the content keeps them whole),
# so that the metadata stays within the item's 16 KiB.
_MAX_CAPTION_CHARS = 4000


def read(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield the records of the chat export at `path`, in file order."""
    if options.timezone is None:
        yield ParseError(path, "file", "WhatsApp exports carry local wall-clock times only: set --timezone (for example Europe/Berlin)")
        return
    try:
        export = open_export(path)
        people = People(options.me, options.phone_region, export.chat_name)
        survey = survey_export(export, people)
        if survey is None:
            yield ParseError(path, "file", "no message header found: the file is not a WhatsApp chat export, or its date format is not supported")
            return
        logger.debug("date order %s decided by %s", survey.date_order.order.value, survey.date_order.basis)
        yield from _ChatReader(export, survey, people, options.timezone).records()
    except ExportError as exc:
        yield ParseError(path, "file", str(exc))
    except (OSError, zipfile.BadZipFile) as exc:
        detail = getattr(exc, "strerror", None) or type(exc).__name__
        yield ParseError(path, "file", f"cannot read the export ({detail})")


@dataclass
class _PendingMessage:
    line_number: int
    header: HeaderMatch
    local_time: datetime
    continuation: list[str] = field(default_factory=list)


class _ChatReader:
    """The second pass: groups lines into messages and builds one record per message."""

    def __init__(self, export: ChatExport, survey: ExportSurvey, people: People, zone: ZoneInfo) -> None:
        self._export = export
        self._survey = survey
        self._people = people
        self._zone = zone
        self._counter = OccurrenceCounter()
        self._previous_utc: datetime | None = None

    def records(self) -> Iterator[Record]:
        pending: _PendingMessage | None = None
        orphan_reported = False
        with self._export.open_lines() as lines:
            for line_number, line in enumerate(lines, start=1):
                started = self._start_of_message(line, line_number)
                if started is not None:
                    if pending is not None:
                        yield self._record(pending)
                    pending = started
                elif pending is not None:
                    pending.continuation.append(line)
                elif line.strip() and not orphan_reported:
                    orphan_reported = True
                    yield ParseError(self._export.path, f"line {line_number}", "text before the first message header")
        if pending is not None:
            yield self._record(pending)

    def _start_of_message(self, line: str, line_number: int) -> _PendingMessage | None:
        header = match_header(line)
        if header is None or header.shape != self._survey.shape:
            return None
        local_time = header.local_datetime(self._survey.date_order.order)
        if local_time is None:
            return None
        return _PendingMessage(line_number, header, local_time)

    def _record(self, pending: _PendingMessage) -> Record:
        location = f"line {pending.line_number}"
        first_line = read_first_line(pending.header, self._people)
        if first_line.notice is not None:
            return Skipped(self._export.path, location, first_line.notice)
        sender = first_line.sender
        if sender is None:
            return ParseError(self._export.path, location, "the sender's name is empty")

        text = read_text("\n".join([first_line.text, *pending.continuation]), self._export.media_names)
        digest = message_digest(self._export.chat_name, pending.local_time, sender.handle, text.id_text)
        outbound = self._people.is_owner(sender)
        if outbound:
            counterpart = self._survey.counterpart
            participants = [counterpart.participant("to")] if counterpart is not None else []
        else:
            participants = [sender.participant("from")]

        metadata = self._metadata(pending, text)
        if sender.kind == "phone":
            metadata["sender_display"] = sender.display
        try:
            return InteractionItem(
                source="whatsapp",
                source_id=self._counter.next_source_id(digest, pending.local_time),
                type="message",
                occurred_at=self._aware(pending.local_time),
                direction="outbound" if outbound else "inbound",
                content=text.content or None,
                thread_id=self._export.chat_name,
                participants=participants,
                metadata=metadata,
            )
        except ValidationError as exc:
            fields = ", ".join(".".join(str(part) for part in error["loc"]) for error in exc.errors())
            return ParseError(self._export.path, location, f"invalid interaction (fields: {fields})")

    def _metadata(self, pending: _PendingMessage, text: MessageText) -> dict[str, object]:
        decision = self._survey.date_order
        metadata: dict[str, object] = {
            "timestamp_local": pending.local_time.isoformat(),
            "date_order": decision.order.value,
            "date_order_basis": decision.basis,
        }
        if text.has_media:
            metadata["has_media"] = True
        if text.attachments:
            metadata["attachments"] = text.attachments
        if text.caption:
            metadata["caption"] = text.caption[:_MAX_CAPTION_CHARS]
        if text.deleted:
            metadata["deleted"] = True
        if text.edited:
            metadata["edited"] = True
        return metadata

    def _aware(self, local_time: datetime) -> datetime:
        """Attach the chat's zone to a wall-clock time.

        When daylight saving time ends, an hour of wall-clock times occurs twice. Such a
        time is taken as the second occurrence when the first would go back in time."""
        earlier = local_time.replace(tzinfo=self._zone)
        later = local_time.replace(tzinfo=self._zone, fold=1)
        chosen = earlier
        if earlier.utcoffset() != later.utcoffset() and self._previous_utc is not None:
            if earlier.astimezone(timezone.utc) < self._previous_utc:
                chosen = later
        self._previous_utc = chosen.astimezone(timezone.utc)
        return chosen
