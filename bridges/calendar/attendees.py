"""Organizer and attendees of a calendar event as participants.

Only `mailto:` addresses become participants (lower-cased, with CN as the name). Attendees
who declined, rooms and other resources are left out, and so is the owner.
"""

from __future__ import annotations

from typing import Any

from icalendar import Event

from hub.contacts.handles import InvalidHandle, normalize_handle

MAILTO = "mailto:"
DECLINED = "DECLINED"
# CUTYPE values that are not people (RFC 5545 section 3.2.3).
NON_PERSON_TYPES = frozenset({"ROOM", "RESOURCE"})
# Google Calendar names meeting rooms by addresses in this domain.
GOOGLE_RESOURCE_DOMAIN = "@resource.calendar.google.com"
MAX_NAME_CHARS = 200


def own_addresses(me: tuple[str, ...]) -> frozenset[str]:
    """Return the owner's email addresses in normalised form."""
    addresses = set()
    for raw in me:
        try:
            addresses.add(normalize_handle("email", raw.removeprefix(MAILTO)))
        except InvalidHandle:
            continue
    return frozenset(addresses)


def _address(value: Any) -> str | None:
    text = str(value).strip()
    if not text.lower().startswith(MAILTO):
        return None
    try:
        return normalize_handle("email", text[len(MAILTO) :])
    except InvalidHandle:
        return None


def _name(value: Any, address: str) -> str | None:
    name = str(getattr(value, "params", {}).get("CN", "")).replace("\x00", "").strip()
    if not name or name.lower() == address:
        return None
    return name[:MAX_NAME_CHARS]


def organizer_address(event: Event) -> str | None:
    """Return the organizer's normalised address, or None."""
    organizer = event.get("ORGANIZER")
    return _address(organizer) if organizer is not None else None


def participants(event: Event, own: frozenset[str]) -> list[dict[str, Any]]:
    """Return the organizer and the attendees who did not decline, without the owner."""
    result: list[dict[str, Any]] = []
    seen = set(own)

    organizer = event.get("ORGANIZER")
    address = organizer_address(event)
    if address is not None and address not in seen:
        seen.add(address)
        result.append({"handle": address, "kind": "email", "name": _name(organizer, address), "role": "organizer"})

    attendees = event.get("ATTENDEE", [])
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        params = getattr(attendee, "params", {})
        if str(params.get("PARTSTAT", "")).upper() == DECLINED:
            continue
        if str(params.get("CUTYPE", "")).upper() in NON_PERSON_TYPES:
            continue
        address = _address(attendee)
        if address is None or address in seen or address.endswith(GOOGLE_RESOURCE_DOMAIN):
            continue
        seen.add(address)
        result.append({"handle": address, "kind": "email", "name": _name(attendee, address), "role": "attendee"})
    return result
