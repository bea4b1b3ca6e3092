"""Acceptance cases for the email reader (tests/cases/email-* and mbox-*)."""

from __future__ import annotations

from typing import Any

import pytest

from bridges.core.records import InteractionItem
from bridges.email import read
from tests.bridges.casekit import assert_common, errors_of, interactions_of, load_case, read_records

CASE_IDS = [
    "email-html-only-alternative",
    "email-missing-message-id",
    "email-rfc2047-split-multibyte",
    "mbox-unescaped-from-line-in-body",
]


def _read_case(case_id: str) -> tuple[list[InteractionItem], str]:
    case = load_case(case_id)
    records = read_records(read, case.input_paths, case.options())
    assert errors_of(records) == []
    return interactions_of(records), case.context["self"]


def _assert_recipients(item: InteractionItem, expected: dict[str, Any], owner: str) -> None:
    handles = {(p.handle, p.role) for p in item.participants}
    for recipient in expected.get("recipients", []):
        if recipient == owner:
            assert all(handle != owner for handle, _ in handles)
        else:
            assert (recipient, "to") in handles or (recipient, "cc") in handles, recipient


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_interactions(case_id: str) -> None:
    items, owner = _read_case(case_id)
    expected_items = load_case(case_id).expected["interactions"]

    assert len(items) == load_case(case_id).expected["expected_count"]
    for item, expected in zip(items, expected_items):
        assert_common(item, expected, me=owner)
        assert item.source == "email"
        _assert_recipients(item, expected, owner)
        assert item.metadata.get("in_reply_to") == expected.get("in_reply_to")
        if "thread_root" in expected:
            assert item.thread_id == expected["thread_root"]
        if "sender_name" in expected:
            (sender,) = [p for p in item.participants if p.role == "from"]
            assert sender.name == expected["sender_name"]


def test_html_only_alternative_text_from_html() -> None:
    (item,) = _read_case("email-html-only-alternative")[0]

    assert item.content == "Thanks for the notes.\n\nSee you Monday."
    assert "<" not in (item.content or "")


def test_missing_message_id_distinct_ids() -> None:
    items, _ = _read_case("email-missing-message-id")

    assert len({item.source_id for item in items}) == 2
    assert all(not item.source_id.startswith("<") for item in items)


def test_missing_message_id_reimport_same_ids() -> None:
    first, _ = _read_case("email-missing-message-id")
    second, _ = _read_case("email-missing-message-id")

    assert [item.source_id for item in first] == [item.source_id for item in second]


def test_rfc2047_no_replacement_characters() -> None:
    (item,) = _read_case("email-rfc2047-split-multibyte")[0]

    assert "\ufffd" not in (item.subject or "")
    assert all("\ufffd" not in (p.name or "") for p in item.participants)


def test_mbox_unescaped_from_line_two_messages() -> None:
    items, _ = _read_case("mbox-unescaped-from-line-in-body")

    assert [item.source_id for item in items] == ["<trip-1@example.com>", "<trip-2@example.com>"]
    assert "From what I remember" in (items[0].content or "")
    assert not (items[0].content or "").endswith("\n")
