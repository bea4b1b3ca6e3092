"""When to retry a request to the hub, and how long to wait before the next attempt.

Waits grow exponentially up to a cap, with full jitter (a uniform draw between zero and the
exponential bound), so that many bridges restarted together do not hit the hub in step.
A `Retry-After` header from the hub sets the minimum wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable

# 429: the hub's rate limit. 503: the hub is starting, stopping or overloaded. 502 and 504
# come from a reverse proxy in front of the hub while the hub restarts. Ingestion is
# idempotent by (source, source_id), so sending a batch twice only yields duplicates.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Limits of the retry loop; delays are in seconds."""

    max_attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 60.0
    # A hub asking for a longer pause than this gets this; a misconfigured proxy could ask
    # for hours.
    max_retry_after: float = 600.0

    def delay(self, retry_number: int, retry_after: float | None, random: Callable[[], float]) -> float:
        """Return the wait before retry number `retry_number` (1 for the first retry)."""
        bound = min(self.max_delay, self.base_delay * 2.0 ** (retry_number - 1))
        jittered = random() * bound
        if retry_after is None:
            return jittered
        return min(max(retry_after, jittered), self.max_retry_after)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Return the wait in seconds that a `Retry-After` header requests (delta-seconds or HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (moment - now).total_seconds())
