"""`<mms>` records of an "SMS Backup & Restore" sms-*.xml file.

A record looks like (attributes trimmed):

    <mms date="1709917200000" msg_box="1" m_type="132" m_id="..." sub="null"
         address="+15550142~+15550143" contact_name="Alice Example, Bob Example">
      <parts>
        <part seq="-1" ct="application/smil" name="null" text="&lt;smil&gt;..." />
        <part seq="0" ct="image/jpeg" name="IMG_0001.jpg" cl="IMG_0001.jpg" data="/9j/..." />
        <part seq="0" ct="text/plain" name="null" text="Photos from Sunday" />
      </parts>
      <addrs>
        <addr address="+15550142" type="137" charset="106" />
        <addr address="+15550143" type="151" charset="106" />
      </addrs>
    </mms>

`msg_box` is a `Telephony.BaseMmsColumns.MESSAGE_BOX_*` code, `m_type` and the `addr` types
are PDU header values of the OMA MMS encapsulation (`PduHeaders` in AOSP), `date` is epoch
milliseconds. A group MMS lists every member in `<addr>` elements.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from typing import Any

from bridges.android_backup import fields
from bridges.android_backup.fields import InvalidRecord, build_item
from bridges.android_backup.numbers import OWN_NUMBER_PLACEHOLDER, Withheld, resolve_counterpart
from bridges.core.records import ParseError, ReadOptions, Record, Skipped
from hub.contacts.handles import InvalidHandle

# Telephony.BaseMmsColumns.MESSAGE_BOX_* codes.
INBOX_BOX = 1
SENT_BOX = 2
DRAFTS_BOX = 3
OUTBOX_BOX = 4
FAILED_BOX = 5

DIRECTIONS = {INBOX_BOX: "inbound", SENT_BOX: "outbound"}
UNSENT_BOXES = {DRAFTS_BOX: "draft", OUTBOX_BOX: "outbox", FAILED_BOX: "failed"}

# PduHeaders.MESSAGE_TYPE_* values of `m_type` that are reports about another message.
DELIVERY_IND_TYPE = 134
READ_ORIG_IND_TYPE = 136
REPORT_TYPES = {DELIVERY_IND_TYPE: "delivery report", READ_ORIG_IND_TYPE: "read report"}

# PduHeaders address field values of `<addr type>`.
BCC_ADDRESS = 129
CC_ADDRESS = 130
FROM_ADDRESS = 137
TO_ADDRESS = 151
ADDRESS_ROLES = {FROM_ADDRESS: "from", TO_ADDRESS: "to", CC_ADDRESS: "cc", BCC_ADDRESS: "cc"}

TEXT_CONTENT_TYPE = "text/plain"
LAYOUT_CONTENT_TYPE = "application/smil"  # the slide layout, not content


def mms_source_id(attributes: dict[str, str], addresses: list[tuple[int, str]], text: str | None) -> str:
    """Return the source_id of an MMS: a digest of date, box, message id, addresses and text."""
    members = ",".join(f"{kind}:{address}" for kind, address in sorted(addresses))
    key = "|".join(
        (attributes.get("date", ""), attributes.get("msg_box", ""), attributes.get("m_id", ""), members, text or "")
    )
    return "mms-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def read_mms(path: str, location: str, element: ET.Element, options: ReadOptions, own: frozenset[str]) -> Record:
    """Return the record of one `<mms>` element; `own` contains the owner's normalised handles."""
    attributes = element.attrib
    try:
        box = fields.integer(attributes.get("msg_box"), "msg_box")
        if box in UNSENT_BOXES:
            return Skipped(path, location, f"{UNSENT_BOXES[box]} MMS was not sent or received")
        message_type = fields.integer(fields.optional_text(attributes.get("m_type")) or "0", "m_type")
        if message_type in REPORT_TYPES:
            return Skipped(path, location, f"MMS {REPORT_TYPES[message_type]}")
        if box not in DIRECTIONS:
            raise InvalidRecord(f"unknown MMS msg_box code {box}")
        occurred_at = fields.epoch_ms(attributes.get("date"), "date")
        addresses = _addresses(element)
        participants, withheld = _participants(addresses, DIRECTIONS[box], options, own)
    except InvalidRecord as exc:
        return ParseError(path, location, str(exc))
    except InvalidHandle as exc:
        return ParseError(path, location, f"address {exc}")

    text, attachments = _content(element)
    if len(participants) == 1:
        participants[0]["name"] = fields.contact_name(attributes.get("contact_name"))

    metadata: dict[str, Any] = {"protocol": "mms"}
    if attachments:
        metadata["attachments"] = attachments
    if withheld is not None:
        metadata["counterpart_withheld"] = True
        metadata["presentation"] = withheld.presentation

    item_fields = {
        "source": "phone",
        "source_id": mms_source_id(attributes, addresses, text),
        "type": "message",
        "occurred_at": occurred_at,
        "direction": DIRECTIONS[box],
        "subject": fields.optional_text(attributes.get("sub")),
        "content": text,
        "participants": participants,
        "metadata": metadata,
    }
    return build_item(path, location, item_fields)


def _addresses(element: ET.Element) -> list[tuple[int, str]]:
    """Return (type, address) of each `<addr>`, or of the `address` attribute without them.

    Backups of old app versions have no `<addr>` elements; their `address` attribute lists
    the members separated by `~`, without saying who sent the message.
    """
    addresses = []
    for addr in element.iter("addr"):
        addresses.append((fields.integer(addr.get("type"), "addr type"), addr.get("address", "")))
    if addresses:
        return addresses
    listed = fields.optional_text(element.get("address")) or ""
    return [(0, member) for member in listed.split("~") if member.strip()]


def _participants(
    addresses: list[tuple[int, str]], direction: str, options: ReadOptions, own: frozenset[str]
) -> tuple[list[dict[str, Any]], Withheld | None]:
    """Return the counterparts and, when the sender's number was withheld, its Withheld."""
    participants: list[dict[str, Any]] = []
    seen: set[str] = set()
    withheld = None
    for address_type, raw in addresses:
        role = ADDRESS_ROLES.get(address_type)
        if raw.strip() == OWN_NUMBER_PLACEHOLDER:
            continue
        if role == "from" and direction == "outbound":
            continue  # the owner sent it
        counterpart = resolve_counterpart(raw, None, options.phone_region)
        if isinstance(counterpart, Withheld):
            if role == "from" or (direction == "inbound" and len(addresses) == 1):
                withheld = counterpart
            continue
        if counterpart.value in own or counterpart.value in seen:
            continue
        seen.add(counterpart.value)
        if role is None and len(addresses) == 1:
            role = "from" if direction == "inbound" else "to"
        participants.append({"handle": counterpart.value, "kind": counterpart.kind, "role": role})
    return participants, withheld


def _content(element: ET.Element) -> tuple[str | None, list[dict[str, str]]]:
    """Return the message text and the attachments (content type and name) of the parts."""
    texts = []
    attachments = []
    for part in element.iter("part"):
        content_type = (part.get("ct") or "").lower()
        if content_type == TEXT_CONTENT_TYPE:
            text = fields.optional_text(part.get("text"))
            if text is not None:
                texts.append(text)
        elif content_type != LAYOUT_CONTENT_TYPE:
            name = next(
                (value for key in ("name", "fn", "cl") if (value := fields.optional_text(part.get(key)))),
                None,
            )
            attachment = {"content_type": content_type or "application/octet-stream"}
            if name is not None:
                attachment["name"] = name
            attachments.append(attachment)
    return ("\n".join(texts) or None), attachments
