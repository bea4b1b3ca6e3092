"""Acceptance cases for the signal-cli JSON reader (tests/cases/signal-cli-*)."""

from __future__ import annotations

import pytest

from bridges.core.records import InteractionItem
from bridges.signal import read
from tests.bridges.casekit import assert_common, errors_of, interactions_of, load_case, read_records, skipped_of

CASE_IDS = ["signal-cli-null-body-attachment-vs-reaction", "signal-cli-sync-sent-message"]


def _recipients(item: InteractionItem, me: str) -> list[str]:
    """Return the recipients' handles, with the owner for inbound messages (never a participant)."""
    recipients = [p.handle for p in item.participants if p.role == "to"]
    if item.direction == "inbound":
        recipients.append(me)
    return recipients


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_interactions(case_id: str) -> None:
    case = load_case(case_id)
    me = case.context["self"]
    records = read_records(read, case.input_paths, case.options())
    items = interactions_of(records)

    assert errors_of(records) == []
    assert len(items) == case.expected["expected_count"]
    for item, expected in zip(items, case.expected["interactions"]):
        assert_common(item, expected, me=me)
        assert item.source == "signal"
        if "recipients" in expected:
            assert _recipients(item, me) == expected["recipients"]
        if "attachments" in expected:
            assert [a["filename"] for a in item.metadata["attachments"]] == expected["attachments"]
        if "has_media" in expected:
            assert item.metadata["has_media"] is expected["has_media"]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_not_interactions_skipped(case_id: str) -> None:
    case = load_case(case_id)
    records = read_records(read, case.input_paths, case.options())

    skipped = skipped_of(records)

    assert [s.location for s in skipped] == [f"line {n['line']}" for n in case.expected["not_interactions"]]


def test_timestamp_is_sender_clock() -> None:
    case = load_case("signal-cli-sync-sent-message")
    items = interactions_of(read_records(read, case.input_paths, case.options()))

    # serverReceivedTimestamp is 400 ms later on every line of the case.
    assert [item.occurred_at.isoformat() for item in items] == [
        "2024-03-08T16:00:00+00:00",
        "2024-03-08T16:01:00+00:00",
    ]


def test_reaction_is_not_an_empty_message() -> None:
    case = load_case("signal-cli-null-body-attachment-vs-reaction")
    records = read_records(read, case.input_paths, case.options())

    (reaction,) = skipped_of(records)
    assert reaction.reason == "reaction to an earlier message"
    assert "+15550100:1710000120000" not in [item.source_id for item in interactions_of(records)]
