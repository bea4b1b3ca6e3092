"""Participants, direction and video conferencing links of calendar events."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.calendar import read
from bridges.core.records import InteractionItem
from tests.bridges.calendar.icsfiles import event, options, write_ics
from tests.bridges.casekit import interactions_of

START = "DTSTART:20240403T150000Z"
END = "DTEND:20240403T160000Z"
PEOPLE = """
ORGANIZER;CN=Alice Example:MAILTO:Alice@Example.COM
ATTENDEE;CN=Alice Example;PARTSTAT=ACCEPTED:mailto:alice@example.com
ATTENDEE;CN=Bob Example;PARTSTAT=ACCEPTED:mailto:bob@example.com
ATTENDEE;CN=Carol Example;PARTSTAT=DECLINED:mailto:carol@example.com
ATTENDEE;CN="Example, Dave";PARTSTAT=TENTATIVE:mailto:dave@example.com
ATTENDEE;CN=Owner Example;PARTSTAT=ACCEPTED:mailto:owner@example.com
ATTENDEE;CUTYPE=ROOM;CN=Room 4;PARTSTAT=ACCEPTED:mailto:room4@example.com
ATTENDEE;CN=Board room;PARTSTAT=ACCEPTED:mailto:c_188abc@resource.calendar.google.com
ATTENDEE;CN=erin@example.com;PARTSTAT=NEEDS-ACTION:mailto:erin@example.com
ATTENDEE;CN=Phone only:tel:+15550142
"""


def _item(tmp_path: Path, extra: str, **option_values: object) -> InteractionItem:
    body = event("people@example.com", START, END, extra=extra)
    (item,) = interactions_of(read(write_ics(tmp_path, body), options(**option_values)))
    return item


def test_participants_and_roles(tmp_path: Path) -> None:
    item = _item(tmp_path, PEOPLE, me=("owner@example.com",))

    assert [(p.handle, p.role, p.name) for p in item.participants] == [
        ("alice@example.com", "organizer", "Alice Example"),
        ("bob@example.com", "attendee", "Bob Example"),
        ("dave@example.com", "attendee", "Example, Dave"),
        ("erin@example.com", "attendee", None),
    ]
    assert all(p.kind == "email" for p in item.participants)
    assert item.direction == "inbound"


def test_owner_as_organizer_is_outbound(tmp_path: Path) -> None:
    extra = "ORGANIZER;CN=Owner:mailto:OWNER@example.com\nATTENDEE;CN=Bob Example:mailto:bob@example.com"
    item = _item(tmp_path, extra, me=("owner@example.com",))

    assert item.direction == "outbound"
    assert [(p.handle, p.role) for p in item.participants] == [("bob@example.com", "attendee")]


def test_no_organizer_has_no_direction(tmp_path: Path) -> None:
    item = _item(tmp_path, "")

    assert item.direction is None
    assert item.participants == []
    assert item.type == "meeting"


def test_subject_content_location(tmp_path: Path) -> None:
    extra = "DESCRIPTION:Agenda:\\n1. Budget\\n2. Hiring\nLOCATION:Room 4\\, second floor"
    item = _item(tmp_path, extra)

    assert item.subject == "Planning"
    assert item.content == "Agenda:\n1. Budget\n2. Hiring"
    assert item.metadata["location"] == "Room 4, second floor"
    assert item.duration_seconds == 3600
    assert item.metadata["start"] == "2024-04-03T15:00:00Z"
    assert item.metadata["end"] == "2024-04-03T16:00:00Z"


@pytest.mark.parametrize(
    ("extra", "provider"),
    [
        ("LOCATION:https://example.zoom.us/j/5550142000?pwd=abc", "zoom"),
        ("DESCRIPTION:Join: https://meet.google.com/abc-defg-hij", "google_meet"),
        ("X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij", "google_meet"),
        ("DESCRIPTION:Join https://teams.microsoft.com/l/meetup-join/19%3ameeting", "teams"),
        ("URL:https://meet.jit.si/ExampleTeamSync", "jitsi"),
        ("LOCATION:https://example.webex.com/meet/alice", "webex"),
        ("DESCRIPTION:Room: https://whereby.com/example-team", "whereby"),
        ("CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://video.example.com/room/42", "other"),
        ("X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/x", "teams"),
    ],
)
def test_video_links_make_video_calls(tmp_path: Path, extra: str, provider: str) -> None:
    item = _item(tmp_path, extra)

    assert item.type == "video_call"
    assert item.metadata["conference_provider"] == provider


@pytest.mark.parametrize(
    "extra",
    [
        "LOCATION:Zoom room on the 3rd floor",
        "DESCRIPTION:See https://example.com/zoom.us/notes",
        "CONFERENCE;VALUE=URI;FEATURE=AUDIO:tel:+15550142",
        "URL:https://notzoom.usx.example.com/",
    ],
)
def test_no_video_link_is_meeting(tmp_path: Path, extra: str) -> None:
    item = _item(tmp_path, extra)

    assert item.type == "meeting"
    assert "conference_provider" not in item.metadata
