"""Interactions the page tests push through the ingestion API: a small, realistic address book.

- Bob Example writes 30 WhatsApp messages, enough for two pages of 25 together with the rest.
- Alice Example has emails, a call and a meeting, and a monthly email over the last year (dated
  from the time of the test run, so her score and its trend are not zero).
- Carol Example appears twice, by email and by phone, so the tests can merge her two contacts.
- Mallory sends hostile markup that the page must show as text.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from tests.web.conftest import message

HOSTILE_TEXT = "<script>alert(1)</script> &amp; <img src=x onerror=alert(2)> tea?"
HOSTILE_SUBJECT = "<img src=x onerror=alert(3)>"
HOSTILE_NAME = "<b>Mallory</b>"

BOB_MESSAGES = 30
RECENT_EMAILS = 12
BOB_START = datetime(2024, 1, 1, 9, 0, tzinfo=timezone.utc)


def bob_messages() -> list[dict[str, Any]]:
    items = []
    for number in range(BOB_MESSAGES):
        when = BOB_START + timedelta(days=number * 3, hours=number % 5)
        text = f"Bob's message {number:02d}: see you at the climbing gym" if number % 4 else \
            f"Bob's message {number:02d}: dinner at the Thai place on Friday?"
        items.append(message(f"bob-{number:02d}", when.isoformat(), text, "+15550122", "Bob Example",
                             direction="outbound" if number % 3 == 0 else "inbound"))
    return items


def alice_interactions() -> list[dict[str, Any]]:
    return [
        message("alice-mail-1", "2024-03-08T21:10:00+01:00",
                "Hi! Shall we have dinner on Friday? I found a new place near the river.",
                "alice@example.com", "Alice Example", source="email", kind="email", type_="email",
                subject="Dinner on Friday", metadata={"message_id": "<a1@example.com>"}),
        message("alice-mail-2", "2024-03-09T08:30:00+01:00", "Friday works. 19:30 at the river place.",
                "alice@example.com", "Alice Example", source="email", kind="email", type_="email",
                subject="Re: Dinner on Friday", direction="outbound"),
        message("alice-call-1", "2024-04-02T18:00:00+02:00", "", "+15550111", "Alice Example",
                source="phone", type_="call", duration_seconds=754, metadata={"call_status": "answered"}),
        message("alice-meeting-1", "2024-05-14T10:00:00+02:00", "Quarterly planning, room 2",
                "alice@example.com", "Alice Example", source="meeting", kind="email", type_="meeting",
                subject="Planning session", duration_seconds=3600),
    ]


def recent_alice_emails(now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or datetime.now(timezone.utc)
    items = []
    for number in range(RECENT_EMAILS):
        when = (now - timedelta(days=2 + number * 29)).replace(microsecond=0)
        items.append(message(f"alice-recent-{number:02d}", when.isoformat(),
                             f"Garden project update {number}: the seedlings are up.", "alice@example.com",
                             "Alice Example", source="email", kind="email", type_="email",
                             subject=f"Garden project, week {number}"))
    return items


def carol_interactions() -> list[dict[str, Any]]:
    return [
        message("carol-mail-1", "2024-02-20T12:00:00+01:00", "The photos from the hike are attached.",
                "carol@example.com", "Carol Example", source="email", kind="email", type_="email",
                subject="Hike photos"),
        message("carol-sms-1", "2024-02-21T19:45:00+01:00", "Did you get the hike photos?",
                "+15550133", "Carol E.", source="phone", type_="message"),
    ]


def hostile_interactions() -> list[dict[str, Any]]:
    return [
        message("mallory-1", "2024-06-01T12:00:00+02:00", HOSTILE_TEXT, "mallory@example.com", HOSTILE_NAME,
                source="email", kind="email", type_="email", subject=HOSTILE_SUBJECT,
                metadata={"note": "<script>alert(4)</script>"}),
    ]


def all_interactions() -> list[dict[str, Any]]:
    return [*bob_messages(), *alice_interactions(), *recent_alice_emails(), *carol_interactions(),
            *hostile_interactions()]
