"""Searches kept on the server so paging buttons fit Telegram's 64-byte callback_data.

A button carries only a short random id and a page number; the query text and the cursor of
every page seen so far stay here. The store is bounded (least recently used searches are
dropped first) and entries expire, after which the button answers that the search expired.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

DEFAULT_MAX_SEARCHES = 256
DEFAULT_TTL_SECONDS = 24 * 3600
# 6 random bytes in URL-safe base64: 8 characters.
SESSION_ID_BYTES = 6


@dataclass
class SearchSession:
    query: str
    # cursors[n] is the cursor that fetches page n (None for the first page).
    cursors: list[str | None] = field(default_factory=lambda: [None])
    touched_at: float = 0.0


class SearchSessions:
    def __init__(self, max_searches: int = DEFAULT_MAX_SEARCHES, ttl_seconds: float = DEFAULT_TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._max_searches = max_searches
        self._ttl_seconds = ttl_seconds
        self._clock = clock
        self._sessions: OrderedDict[str, SearchSession] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def start(self, query: str) -> str:
        """Store a new search and return its id; drops the oldest search when full."""
        self._drop_expired()
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        self._sessions[session_id] = SearchSession(query, touched_at=self._clock())
        while len(self._sessions) > self._max_searches:
            self._sessions.popitem(last=False)
        return session_id

    def get(self, session_id: str) -> SearchSession | None:
        """Return the search and mark it as used, or None when unknown or expired."""
        self._drop_expired()
        session = self._sessions.get(session_id)
        if session is None:
            return None
        session.touched_at = self._clock()
        self._sessions.move_to_end(session_id)
        return session

    def _drop_expired(self) -> None:
        deadline = self._clock() - self._ttl_seconds
        while self._sessions:
            oldest_id, oldest = next(iter(self._sessions.items()))
            if oldest.touched_at > deadline:
                break
            del self._sessions[oldest_id]
