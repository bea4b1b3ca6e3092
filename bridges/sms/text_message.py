"""`<sms>` records of an "SMS Backup & Restore" sms-*.xml file.

A record looks like (attributes trimmed):

    <sms protocol="0" address="+15550142" date="1709913600000" type="1" subject="null"
         body="See you at 6" read="1" status="-1" date_sent="1709913598000"
         readable_date="Mar 8, 2024 11:00:00 AM" contact_name="Alice Example" />

`type` is a `Telephony.TextBasedSmsColumns.MESSAGE_TYPE_*` code, `date` epoch milliseconds.
"""

from __future__ import annotations

import hashlib
from typing import Any

from bridges.android_backup import fields
from bridges.android_backup.fields import InvalidRecord, build_item
from bridges.android_backup.numbers import Withheld, resolve_counterpart
from bridges.core.records import ParseError, ReadOptions, Record, Skipped
from hub.contacts.handles import InvalidHandle

# Telephony.TextBasedSmsColumns.MESSAGE_TYPE_* codes.
INBOX_TYPE = 1
SENT_TYPE = 2
DRAFT_TYPE = 3
OUTBOX_TYPE = 4
FAILED_TYPE = 5
QUEUED_TYPE = 6

DIRECTIONS = {INBOX_TYPE: "inbound", SENT_TYPE: "outbound"}
# Messages that never reached anyone are not interactions.
UNSENT_TYPES = {DRAFT_TYPE: "draft", OUTBOX_TYPE: "outbox", FAILED_TYPE: "failed", QUEUED_TYPE: "queued"}


def sms_source_id(attributes: dict[str, str]) -> str:
    """Return the source_id of an SMS: a digest of date, type, address and body.

    The backup has no message id. The digest uses the values as written, so it does not
    depend on the phone region, and neither the number nor the text shows in the id.
    """
    key = "|".join(attributes.get(name, "") for name in ("date", "type", "address", "body"))
    return "sms-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def read_sms(
    path: str, location: str, attributes: dict[str, str], options: ReadOptions, own: frozenset[str]
) -> Record:
    """Return the record of one `<sms>` element; `own` contains the owner's normalised handles."""
    try:
        type_code = fields.integer(attributes.get("type"), "type")
        if type_code in UNSENT_TYPES:
            return Skipped(path, location, f"{UNSENT_TYPES[type_code]} SMS was not sent or received")
        if type_code not in DIRECTIONS:
            raise InvalidRecord(f"unknown SMS type code {type_code}")
        occurred_at = fields.epoch_ms(attributes.get("date"), "date")
        counterpart = resolve_counterpart(attributes.get("address"), None, options.phone_region)
    except InvalidRecord as exc:
        return ParseError(path, location, str(exc))
    except InvalidHandle as exc:
        return ParseError(path, location, f"address {exc}")

    direction = DIRECTIONS[type_code]
    metadata: dict[str, Any] = {"protocol": "sms"}
    participants = []
    if isinstance(counterpart, Withheld):
        metadata["counterpart_withheld"] = True
        metadata["presentation"] = counterpart.presentation
    elif counterpart.value not in own:
        participants.append(
            {
                "handle": counterpart.value,
                "kind": counterpart.kind,
                "name": fields.contact_name(attributes.get("contact_name")),
                "role": "from" if direction == "inbound" else "to",
            }
        )

    item_fields = {
        "source": "phone",
        "source_id": sms_source_id(attributes),
        "type": "message",
        "occurred_at": occurred_at,
        "direction": direction,
        "subject": fields.optional_text(attributes.get("subject")),
        # NOTE: a body that is exactly "null" is indistinguishable from the app's marker for
        # an empty column, so it is read as no text.
        "content": fields.optional_text(attributes.get("body")),
        "participants": participants,
        "metadata": metadata,
    }
    return build_item(path, location, item_fields)
