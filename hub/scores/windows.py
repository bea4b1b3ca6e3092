"""How far around some messages a thread must be read to see their sessions whole."""

from __future__ import annotations

from dataclasses import dataclass

# First margin read on each side, in seconds; doubled on each side still open.
FIRST_MARGIN_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Window:
    """A time range [low, high] of one contact's messages in one thread."""

    low: float
    high: float
    margin: float

    @classmethod
    def around(cls, first: float, last: float, session_gap: float) -> Window:
        margin = max(FIRST_MARGIN_SECONDS, session_gap)
        return cls(first - margin, last + margin, margin)

    def widened(self, earliest: float, latest: float, session_gap: float) -> Window | None:
        """Return a wider window, or None when the messages read cover whole sessions.

        Sessions are whole when the earliest and the latest message read are at least a
        session gap away from the edges: no message outside can then join them.
        """
        open_low = earliest - self.low < session_gap
        open_high = self.high - latest < session_gap
        if not open_low and not open_high:
            return None
        margin = self.margin * 2
        return Window(earliest - margin if open_low else self.low, latest + margin if open_high else self.high,
                      margin)
