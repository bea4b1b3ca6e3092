"""Broken exports: invalid JSON, unreadable messages, files that are no export."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from bridges.core.records import ReadOptions
from bridges.telegram import read
from tests.bridges.casekit import errors_of, interactions_of
from tests.bridges.telegram.exports import account_export, group_chat, message, personal_chat, write_json


def test_truncated_export_keeps_read_messages(tmp_path: Path) -> None:
    text = json.dumps(personal_chat([message(1, "one"), message(2, "two secret words")]), indent=1)
    path = tmp_path / "result.json"
    path.write_text(text[: text.index("two secret") + 3], encoding="utf-8")

    records = list(read(str(path), ReadOptions()))

    assert [item.source_id for item in interactions_of(records)] == ["4000000101:1"]
    (error,) = errors_of(records)
    assert error.location == "after message 1"
    assert error.reason.startswith("invalid JSON, rest of the file not read")
    assert "secret" not in error.reason


def test_invalid_escape_not_quoted(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(b'{"name": "B", "type": "personal_chat", "id": 1, "messages": [{"text": "secret \\q"}]}')

    (error,) = errors_of(read(str(path), ReadOptions()))

    assert "secret" not in error.reason


def test_message_without_id(tmp_path: Path) -> None:
    broken = message(1, "no id")
    del broken["id"]
    path = write_json(tmp_path, group_chat([broken, message(2, "fine")]))

    records = list(read(path, ReadOptions()))

    (error,) = errors_of(records)
    assert (error.location, error.reason) == ("chat 1700000001", "message without a numeric id")
    assert [item.source_id for item in interactions_of(records)] == ["1700000001:2"]


def test_bad_unixtime(tmp_path: Path) -> None:
    path = write_json(tmp_path, group_chat([message(1, "x", date_unixtime="hidden"), message(2, "y")]))

    records = list(read(path, ReadOptions()))

    (error,) = errors_of(records)
    assert (error.location, error.reason) == ("chat 1700000001 message 1", "date_unixtime is not a number of seconds")
    assert len(interactions_of(records)) == 1


def test_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('[{"id": 1}]', encoding="utf-8")

    (error,) = list(read(str(path), ReadOptions()))

    assert error.location == "file"
    assert error.reason.startswith("not a Telegram Desktop JSON export")


def test_missing_file(tmp_path: Path) -> None:
    (error,) = list(read(str(tmp_path / "absent.json"), ReadOptions()))

    assert error.location == "file"
    assert error.reason.startswith("cannot open the file")


def test_account_export_without_chats(tmp_path: Path) -> None:
    export = account_export([])
    del export["chats"]
    del export["left_chats"]
    path = write_json(tmp_path, export)

    (error,) = list(read(path, ReadOptions()))

    assert error.location == "file"


def test_large_export_streams(tmp_path: Path) -> None:
    filler = "x" * 1000
    chats = [group_chat([message(n, f"{n} {filler}") for n in range(1, 2001)], chat_id=1700000000 + c) for c in range(4)]
    path = write_json(tmp_path, account_export(chats))
    file_size = Path(path).stat().st_size

    tracemalloc.start()
    try:
        count = sum(1 for _ in read(path, ReadOptions()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 8000
    assert file_size > 16_000_000
    # Loading the file whole would take more memory than its size, while streaming keeps
    # one message at a time.
    assert peak < file_size / 10, (peak, file_size)


@pytest.mark.parametrize(
    ("unixtime", "reason"),
    [("99999999999999", "date_unixtime is out of range"), ("4200000000", "invalid interaction: occurred_at")],
)
def test_unixtime_out_of_range(tmp_path: Path, unixtime: str, reason: str) -> None:
    path = write_json(tmp_path, group_chat([message(1, "far future", date_unixtime=unixtime)]))

    (error,) = errors_of(read(path, ReadOptions()))

    assert error.reason.startswith(reason)
    assert "far future" not in error.reason
