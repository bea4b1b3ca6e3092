"""Throttle failed logins: a client address with too many failures is locked out for a while.

The counters live in memory, so a restart clears them. Behind a reverse proxy every client
has the proxy's address and shares one counter; the lockout then stops everyone for a while,
which is the safe way to fail.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60
# Upper bound on the addresses remembered, so a flood of addresses cannot exhaust memory.
MAX_ADDRESSES = 10_000


@dataclass
class _Failures:
    count: int
    first_at: float
    locked_until: float = 0.0


class LoginThrottle:
    """Failed logins per client address, within a window; `clock` is in seconds."""

    def __init__(self, *, max_failures: int = MAX_FAILURES, window_seconds: float = WINDOW_SECONDS,
                 lockout_seconds: float = LOCKOUT_SECONDS, max_addresses: int = MAX_ADDRESSES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.lockout_seconds = lockout_seconds
        self.max_addresses = max_addresses
        self._clock = clock
        self._failures: dict[str, _Failures] = {}

    def retry_after(self, address: str) -> float:
        """Return the seconds until `address` may try again; 0 when it may try now."""
        record = self._failures.get(address)
        if record is None:
            return 0.0
        return max(0.0, record.locked_until - self._clock())

    def record_failure(self, address: str) -> None:
        now = self._clock()
        record = self._failures.get(address)
        if record is None or now - record.first_at > self.window_seconds:
            self._forget_stale(now)
            record = _Failures(0, now)
            self._failures[address] = record
        record.count += 1
        if record.count >= self.max_failures:
            record.locked_until = now + self.lockout_seconds

    def record_success(self, address: str) -> None:
        self._failures.pop(address, None)

    def _forget_stale(self, now: float) -> None:
        if len(self._failures) < self.max_addresses:
            return
        for address, record in list(self._failures.items()):
            if now - record.first_at > self.window_seconds and record.locked_until <= now:
                del self._failures[address]
        # Still full: drop the oldest records (dicts keep insertion order).
        while len(self._failures) >= self.max_addresses:
            del self._failures[next(iter(self._failures))]
