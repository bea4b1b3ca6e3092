"""Acceptance cases for the Telegram Desktop export reader (tests/cases/telegram-*)."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bridges.core.records import InteractionItem, ReadOptions
from bridges.telegram import read
from tests.bridges.casekit import (
    assert_common,
    errors_of,
    interactions_of,
    load_case,
    read_records,
    skipped_of,
)

CASE_IDS = [
    "telegram-local-date-vs-unixtime",
    "telegram-service-messages-and-deleted-sender",
    "telegram-text-as-entity-array",
]


def _sender(item: InteractionItem) -> tuple[str, str | None]:
    (participant,) = [p for p in item.participants if p.role == "from"]
    return participant.handle, participant.name


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_interactions(case_id: str) -> None:
    case = load_case(case_id)
    records = read_records(read, case.input_paths, case.options())
    items = interactions_of(records)

    assert errors_of(records) == []
    assert len(items) == case.expected["expected_count"]
    for item, expected in zip(items, case.expected["interactions"]):
        assert_common(item, expected)
        assert item.source == "telegram"
        assert item.thread_id == item.source_id.split(":")[0]
        assert _sender(item) == (expected["sender"], expected["sender_name"])
        assert item.metadata.get("edited_at") == expected.get("edited_at")
        assert item.metadata.get("in_reply_to") == expected.get("reply_to_source_id")
        assert item.metadata.get("forwarded_from") == expected.get("forwarded_from")
        for key in ("has_media", "media_kind", "links"):
            if key in expected:
                assert item.metadata[key] == expected[key], key


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_not_interactions_skipped(case_id: str) -> None:
    case = load_case(case_id)
    records = read_records(read, case.input_paths, case.options())
    chat_id = case.context.get("chat_id")

    skipped = skipped_of(records)
    expected = case.expected.get("not_interactions", [])
    assert [s.location for s in skipped] == [f"chat {chat_id} message {n['id']}" for n in expected]
    for record, entry in zip(skipped, expected):
        action = entry["why"].split("(")[1].rstrip(")")
        assert record.reason == f"service message ({action})"


def test_unixtime_case_ignores_local_date() -> None:
    case = load_case("telegram-local-date-vs-unixtime")
    # The exporter's zone must not matter: any zone given for wall-clock formats is ignored.
    options = ReadOptions(timezone=ZoneInfo("Asia/Tokyo"))
    (first, _) = interactions_of(read_records(read, case.input_paths, options))

    assert first.occurred_at.isoformat() == "2022-02-10T09:00:00+00:00"


def test_missing_unixtime_falls_back_to_local_date(tmp_path: Path) -> None:
    case = load_case("telegram-local-date-vs-unixtime")
    export = json.loads(Path(case.input_paths[0]).read_text(encoding="utf-8"))
    for entry in export["messages"]:
        del entry["date_unixtime"]
        entry.pop("edited_unixtime", None)
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, indent=1), encoding="utf-8")

    options = ReadOptions(timezone=ZoneInfo("Europe/Moscow"))
    first, second = interactions_of(read(str(path), options))

    assert first.occurred_at.isoformat() == "2022-02-10T09:00:00+00:00"
    assert second.occurred_at.isoformat() == "2022-02-10T09:01:00+00:00"
    assert first.metadata["timestamp_local"] == "2022-02-10T12:00:00"
    assert first.metadata["timezone_assumed"] == "Europe/Moscow"
    assert first.metadata["edited_at"] == "2022-02-10T09:05:30Z"


def test_missing_unixtime_without_zone_is_error(tmp_path: Path) -> None:
    case = load_case("telegram-local-date-vs-unixtime")
    export = json.loads(Path(case.input_paths[0]).read_text(encoding="utf-8"))
    del export["messages"][0]["date_unixtime"]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, indent=1), encoding="utf-8")

    records = list(read(str(path), ReadOptions()))

    (error,) = errors_of(records)
    assert error.location == "chat 4000000101 message 31"
    assert "--timezone" in error.reason
    assert [item.source_id for item in interactions_of(records)] == ["4000000101:32"]


def test_text_link_href_not_in_text() -> None:
    case = load_case("telegram-text-as-entity-array")
    items = interactions_of(read_records(read, case.input_paths, case.options()))

    assert "https://example.com/draft" not in (items[1].content or "")
    assert items[1].metadata["links"] == ["https://example.com/draft"]
