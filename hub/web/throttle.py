"""Throttle failed logins: a client address with too many failures is locked out for a while.

The counters live in memory, so a restart clears them. Behind a reverse proxy every client
has the proxy's address and shares one counter; the lockout then stops everyone for a while,
which is the safe way to fail.

The start of each lockout is logged as a WARNING with the address and duration, and so are
counts of the attempts refused during it. Typed secrets are never logged.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

logger = logging.getLogger(__name__)

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
    # Attempts refused since the current lockout started.
    refused: int = 0


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
            # Failures are only recorded outside a lockout, so this starts a new one.
            record.locked_until = now + self.lockout_seconds
            record.refused = 0
            logger.warning("web logins from %s locked out for %d s after %d failed attempts",
                           address, self.lockout_seconds, record.count)

    def record_refused(self, address: str) -> None:
        """Count an attempt refused because `address` is locked out.

        The count is logged at the 1st, 10th, 100th... refused attempt of a lockout, so a
        client that keeps trying cannot flood the log.
        """
        record = self._failures.get(address)
        if record is None:
            return
        record.refused += 1
        if _is_power_of_ten(record.refused):
            logger.warning("refused %d web login attempt(s) from %s during its lockout (%d s left)",
                           record.refused, address, max(0.0, record.locked_until - self._clock()))

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


def _is_power_of_ten(number: int) -> bool:
    while number >= 10 and number % 10 == 0:
        number //= 10
    return number == 1
