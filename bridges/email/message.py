"""One raw message turned into an interaction item, a skip, or a parse error."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from typing import Any

from pydantic import ValidationError

from bridges.core.records import InteractionItem, ParseError, Participant, ReadOptions, Record, Skipped
from bridges.email.body import Body, extract_body
from bridges.email.dates import DateError, ParsedDate, parse_date
from bridges.email.headers import Address, addresses, header_text, msg_ids, raw_header
from bridges.email.identity import MessageIdIndex, derived_source_id, usable_message_id
from bridges.email.sources import RawMessage
from hub.contacts.handles import InvalidHandle, normalize_handle
from hub.ingest.item import MAX_CONTENT_CHARS, MAX_PARTICIPANTS, Role

# Thunderbird keeps a deleted message in the mbox until the folder is compacted, and
# marks it with this bit of the hexadecimal X-Mozilla-Status field (flag "Expunged" of
# nsMsgMessageFlags, tabulated at vincent.bernat.ch/en/x-mozilla-status).
MOZILLA_EXPUNGED = 0x0008
# Maildir flag "T": the user moved the message to the trash, which a later action
# empties (cr.yp.to/proto/maildir.html).
MAILDIR_TRASHED = "T"
MAX_ID_CHARS = 512
MAX_SUBJECT_CHARS = 2000
MAX_NAME_CHARS = 200
MAX_HANDLE_CHARS = 320
# Attachment names are cut to fit this many UTF-8 bytes, leaving room for the other
# metadata within the item's 16 KiB.
MAX_ATTACHMENT_NAMES_BYTES = 8 * 1024
MAX_ATTACHMENT_NAME_CHARS = 200


@dataclass(frozen=True)
class Headers:
    """The header fields a message's item is built from."""

    message_id: str | None
    senders: list[Address]
    to: list[Address]
    cc: list[Address]
    date: ParsedDate | None
    date_error: str | None


def parse_message(data: bytes, headers_only: bool = False) -> Message:
    # compat32 keeps header values as written, and headers.py and body.py decode them.
    if headers_only:
        return BytesHeaderParser(policy=compat32).parsebytes(data)
    return BytesParser(policy=compat32).parsebytes(data)


def read_headers(message: Message, options: ReadOptions) -> Headers:
    """Return the identity-relevant header fields of a parsed message."""
    date: ParsedDate | None = None
    date_error: str | None = None
    try:
        date = parse_date(raw_header(message, "Date"), options.timezone)
    except DateError as exc:
        date_error = str(exc)

    senders = addresses(message, "From") or addresses(message, "Sender")
    return Headers(
        message_id=usable_message_id(msg_ids(raw_header(message, "Message-ID"))),
        senders=senders,
        to=addresses(message, "To"),
        cc=addresses(message, "Cc"),
        date=date,
        date_error=date_error,
    )


def sender_address(headers: Headers) -> str:
    return headers.senders[0].address.casefold() if headers.senders else ""


def skip_reason(message: Message, raw: RawMessage) -> str | None:
    """Return why a message is deliberately not imported, or None to import it."""
    if MAILDIR_TRASHED in raw.maildir_flags:
        return "message is flagged as trashed (Maildir flag T) and awaits deletion"
    status = raw_header(message, "X-Mozilla-Status")
    if status:
        try:
            flags = int(status.strip(), 16)
        except ValueError:
            flags = 0
        if flags & MOZILLA_EXPUNGED:
            return "message was deleted in Thunderbird and awaits compaction"
    return None


def build_record(raw: RawMessage, options: ReadOptions, index: MessageIdIndex) -> Record:
    """Return the item for one raw message, or a Skipped or ParseError record."""
    message = parse_message(raw.data)
    reason = skip_reason(message, raw)
    if reason is not None:
        return Skipped(raw.path, raw.location, reason)

    headers = read_headers(message, options)
    if headers.date is None:
        return ParseError(raw.path, raw.location, headers.date_error or "Date header is missing")

    body = extract_body(message)
    subject = header_text(message, "Subject")
    source_id = _source_id(headers, headers.date, index, subject, body)
    try:
        return _item(message, headers, headers.date, body, subject, source_id, options)
    except ValidationError as exc:
        # The error's own text can quote the input, which may be message content.
        fields = ", ".join(".".join(str(part) for part in error["loc"]) + f": {error['msg']}" for error in exc.errors())
        return ParseError(raw.path, raw.location, f"message gives an invalid item ({fields})")


def _source_id(headers: Headers, date: ParsedDate, index: MessageIdIndex, subject: str | None, body: Body) -> str:
    epoch = int(date.value.timestamp())
    sender = sender_address(headers)
    if headers.message_id is not None:
        return index.source_id(headers.message_id, epoch, sender)
    recipients = [address.address for address in headers.to + headers.cc]
    return derived_source_id(sender, recipients, epoch, subject, body.source_text)


def _item(
    message: Message,
    headers: Headers,
    date: ParsedDate,
    body: Body,
    subject: str | None,
    source_id: str,
    options: ReadOptions,
) -> InteractionItem:
    metadata: dict[str, Any] = {}
    thread_id, parent = _threading(message, headers, source_id)
    if parent is not None:
        metadata["in_reply_to"] = parent
    if body.attachments:
        names = _attachment_names(body.attachments)
        metadata["attachments"] = names
        if len(names) < len(body.attachments):
            metadata["attachments_truncated"] = True
    if date.assumed_zone is not None:
        metadata["timezone_assumed"] = date.assumed_zone

    content = _without_nul(body.text) if body.text is not None else None
    if content is not None and len(content) > MAX_CONTENT_CHARS:
        content = content[:MAX_CONTENT_CHARS]
        metadata["content_truncated"] = True

    owner = _owner_addresses(options)
    participants = _participants(headers, owner, options)
    if len(participants) > MAX_PARTICIPANTS:
        participants = participants[:MAX_PARTICIPANTS]
        metadata["participants_truncated"] = True

    outbound = bool(headers.senders) and sender_address(headers) in owner
    return InteractionItem(
        source="email",
        source_id=source_id,
        type="email",
        occurred_at=date.value,
        direction="outbound" if outbound else "inbound",
        subject=_without_nul(subject)[:MAX_SUBJECT_CHARS] if subject else None,
        content=content,
        thread_id=thread_id,
        participants=participants,
        metadata=metadata,
    )


def _attachment_names(names: list[str]) -> list[str]:
    kept: list[str] = []
    size = 0
    for name in names:
        name = name[:MAX_ATTACHMENT_NAME_CHARS]
        # Each name costs its bytes plus JSON quotes, separator and escapes (estimate 8).
        size += len(name.encode("utf-8", "surrogatepass")) + 8
        if size > MAX_ATTACHMENT_NAMES_BYTES:
            break
        kept.append(name)
    return kept


def _without_nul(text: str) -> str:
    # NUL characters come from binary parts mislabelled as text, and the hub rejects them.
    return text.replace("\x00", "")


def _owner_addresses(options: ReadOptions) -> set[str]:
    owner = set()
    for handle in options.me:
        try:
            owner.add(normalize_handle("email", handle))
        except InvalidHandle:
            continue  # Phone numbers and other handles of the owner.
    return owner


def _threading(message: Message, headers: Headers, source_id: str) -> tuple[str, str | None]:
    """Return the thread id and the parent's Message-ID (None for a thread's first message)."""
    references = msg_ids(raw_header(message, "References"))
    in_reply_to = msg_ids(raw_header(message, "In-Reply-To"))

    # RFC 5322 section 3.6.4: References lists the thread from its root, and In-Reply-To
    # names the parent, which is also the last entry of References.
    parent: str | None = None
    if in_reply_to:
        parent = in_reply_to[0]
    elif references:
        parent = references[-1]
    root = references[0] if references else parent
    thread_id = root or headers.message_id or source_id
    if len(thread_id) > MAX_ID_CHARS:
        thread_id = source_id
    if parent is not None and len(parent) > MAX_ID_CHARS:
        parent = None
    return thread_id, parent


def _participants(headers: Headers, owner: set[str], options: ReadOptions) -> list[Participant]:
    participants: list[Participant] = []
    seen: set[tuple[str, str]] = set()
    groups: tuple[tuple[Role, list[Address]], ...] = (("from", headers.senders), ("to", headers.to), ("cc", headers.cc))
    for role, group in groups:
        for address in group:
            try:
                handle = normalize_handle("email", address.address, options.phone_region)
            except InvalidHandle:
                continue
            if handle in owner or len(handle) > MAX_HANDLE_CHARS or (handle, role) in seen:
                continue
            seen.add((handle, role))
            name = _without_nul(address.name)[:MAX_NAME_CHARS] if address.name else None
            participants.append(Participant(handle=handle, kind="email", name=name, role=role))
    return participants
