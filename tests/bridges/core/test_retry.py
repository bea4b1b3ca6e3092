"""Backoff delays and Retry-After parsing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bridges.core.retry import RetryPolicy, parse_retry_after

NOW = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Fri, 01 Mar 2024 12:00:30 GMT", 30.0),
        ("Fri, 01 Mar 2024 11:00:00 GMT", 0.0),
        ("soon", None),
        ("-3", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(("draw", "retry_number", "expected"), [(0.0, 1, 0.0), (1.0, 1, 0.5), (1.0, 3, 2.0), (1.0, 20, 60.0)])
def test_full_jitter_bounds(draw: float, retry_number: int, expected: float) -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=60.0)

    assert policy.delay(retry_number, None, lambda: draw) == expected


def test_retry_after_is_minimum() -> None:
    policy = RetryPolicy(base_delay=8.0, max_delay=60.0, max_retry_after=100.0)

    assert policy.delay(1, 3.0, lambda: 1.0) == 8.0
    assert policy.delay(1, 30.0, lambda: 1.0) == 30.0
    assert policy.delay(1, 3600.0, lambda: 1.0) == 100.0
