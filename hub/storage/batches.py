"""Bound-parameter lists for `IN (...)` lookups, split to stay under SQLite's limit.

SQLite allows 32,766 bound parameters per statement since 3.32 and 999 before, so a list
of values is looked up in chunks of at most MAX_IN_PARAMETERS.
"""

from __future__ import annotations

from typing import Iterator, Sequence, TypeVar

MAX_IN_PARAMETERS = 900

T = TypeVar("T")


def chunked(values: Sequence[T], size: int = MAX_IN_PARAMETERS) -> Iterator[Sequence[T]]:
    """Yield `values` in consecutive slices of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def placeholders(count: int) -> str:
    """Return `count` comma-separated `?` marks for an `IN (...)` list."""
    return ",".join("?" * count)
