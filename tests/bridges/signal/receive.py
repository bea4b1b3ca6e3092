"""Build `signal-cli -o json receive` lines for tests, shaped as signal-cli writes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OWNER_NUMBER = "+15550100"
OWNER_UUID = "a1f0c3d2-0000-4000-8000-000000000100"
BOB_NUMBER = "+15550101"
BOB_UUID = "b2e1d4c3-0000-4000-8000-000000000101"
HIDDEN_UUID = "c3f2e5d4-0000-4000-8000-000000000102"
GROUP_ID = "Z3JvdXAtaWQtZm9yLXRlc3RzLTAwMDAwMDAwMDA9"
BASE_MS = 1710000000000


def envelope(
    timestamp_ms: int = BASE_MS,
    number: str | None = BOB_NUMBER,
    account_id: str | None = BOB_UUID,
    name: str | None = "Bob Example",
    **parts: Any,
) -> dict[str, Any]:
    """Return one output line: an envelope from the given sender with `parts` in it."""
    body: dict[str, Any] = {
        "source": number or account_id,
        "sourceNumber": number,
        "sourceUuid": account_id,
        "sourceName": name,
        "sourceDevice": 1,
        "timestamp": timestamp_ms,
        "serverReceivedTimestamp": timestamp_ms + 400,
        "serverDeliveredTimestamp": timestamp_ms + 1000,
    }
    body.update(parts)
    return {"envelope": body, "account": OWNER_NUMBER}


def data(timestamp_ms: int = BASE_MS, message: str | None = "hello", **fields: Any) -> dict[str, Any]:
    """Return a `dataMessage` body."""
    body: dict[str, Any] = {"timestamp": timestamp_ms, "message": message, "expiresInSeconds": 0, "viewOnce": False}
    body.update(fields)
    return body


def incoming(timestamp_ms: int = BASE_MS, message: str | None = "hello", **fields: Any) -> dict[str, Any]:
    return envelope(timestamp_ms, dataMessage=data(timestamp_ms, message, **fields))


def sent(timestamp_ms: int = BASE_MS, message: str | None = "hi", destination: str | None = BOB_NUMBER, **fields: Any) -> dict[str, Any]:
    """Return a message the owner sent from the phone, as a linked device receives it."""
    body: dict[str, Any] = {"destination": destination, "destinationNumber": destination, "destinationUuid": BOB_UUID if destination else None}
    body.update(data(timestamp_ms, message, **fields))
    return envelope(timestamp_ms, OWNER_NUMBER, OWNER_UUID, "Alice Example", syncMessage={"sentMessage": body})


def group(name: str = "Hiking Club") -> dict[str, Any]:
    return {"groupId": GROUP_ID, "groupName": name, "revision": 3, "type": "DELIVER"}


def write_lines(folder: Path, lines: list[Any], name: str = "receive.jsonl") -> str:
    """Write each line as compact JSON (strings are written as they are) and return the path."""
    path = folder / name
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return str(path)
