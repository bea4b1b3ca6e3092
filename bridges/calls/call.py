"""One phone call as the call log formats describe it, and its interaction item.

The XML and CSV readers both fill a `Call`, so a call has the same item, and the same
source_id, whichever format it came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bridges.android_backup.fields import EPOCH, build_item
from bridges.android_backup.numbers import Handle, Withheld
from bridges.core.records import InteractionItem, ParseError

ANSWERED = "answered"
MISSED = "missed"
VOICEMAIL = "voicemail"
REJECTED = "rejected"
BLOCKED = "blocked"
ANSWERED_ELSEWHERE = "answered_elsewhere"
CALL_STATUSES = (ANSWERED, MISSED, VOICEMAIL, REJECTED, BLOCKED, ANSWERED_ELSEWHERE)


@dataclass(frozen=True)
class Call:
    """A call log entry; `number` is the number exactly as the file wrote it."""

    occurred_at: datetime
    direction: str
    status: str | None
    number: str
    counterpart: Handle | Withheld
    name: str | None
    duration_seconds: int | None


def call_source_id(call: Call) -> str:
    """Return the call's source_id: a digest of time, direction, status, number and duration.

    A call log has no id of its own. The digest is taken over the values as written in the
    file (epoch milliseconds, the raw number), so it does not depend on the phone region or
    the address book, and the number does not show in the id.
    """
    epoch_ms = (call.occurred_at - EPOCH) // timedelta(milliseconds=1)
    key = "|".join(
        (str(epoch_ms), call.direction, call.status or "", call.number, str(call.duration_seconds))
    )
    return "call-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def call_item(call: Call, path: str, location: str) -> InteractionItem | ParseError:
    """Return the interaction item of a call, or a ParseError when the model rejects it."""
    metadata: dict[str, Any] = {}
    if call.status is not None:
        metadata["call_status"] = call.status

    participants = []
    if isinstance(call.counterpart, Withheld):
        metadata["counterpart_withheld"] = True
        metadata["presentation"] = call.counterpart.presentation
    else:
        role = "to" if call.direction == "outbound" else "from"
        participants.append(
            {"handle": call.counterpart.value, "kind": call.counterpart.kind, "name": call.name, "role": role}
        )

    fields = {
        "source": "phone",
        "source_id": call_source_id(call),
        "type": "call",
        "occurred_at": call.occurred_at,
        "direction": call.direction,
        "duration_seconds": call.duration_seconds,
        "participants": participants,
        "metadata": metadata,
    }
    return build_item(path, location, fields)
