"""Run counts: the summary line, the exit status and counted nouns in messages."""

from __future__ import annotations

import pytest

from bridges.core.summary import RunCounts, pluralize


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "error", "0 errors"),
        (1, "error", "1 error"),
        (2, "error", "2 errors"),
        (1, "interaction", "1 interaction"),
        (21, "record", "21 records"),
    ],
)
def test_pluralize(count: int, noun: str, expected: str) -> None:
    assert pluralize(count, noun) == expected


def test_pluralize_irregular_plural() -> None:
    assert pluralize(1, "batch", "batches") == "1 batch"
    assert pluralize(3, "batch", "batches") == "3 batches"


def test_summary_line_lists_every_count() -> None:
    line = RunCounts(created=2, errors=1).summary_line()

    assert line.startswith("summary: files_read=0 ")
    assert " created=2 " in line
    assert " errors=1" in line
