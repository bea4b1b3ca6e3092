"""Keyset paging links for the page lists.

The query layer pages forward only: a cursor contains the sort key of the last row shown. To
go back, each Next link carries the cursors of the pages before it (`back`, separated by
dots), and Previous pops the last one. No JavaScript and no server state are needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from aiohttp import web

# Stands in the `back` stack for the first page, which has no cursor. Cursors are URL-safe
# base64 of a JSON array, so they always start with "WyJ" and never equal this marker.
FIRST_PAGE = "-"
SEPARATOR = "."
# Pages remembered for Previous; from deeper pages the oldest are dropped (First still works).
MAX_BACK = 40
MAX_CURSOR_CHARS = 400


@dataclass
class Paging:
    cursor: str | None = None
    back: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request: web.Request) -> Paging:
        cursor = request.query.get("cursor", "")[:MAX_CURSOR_CHARS] or None
        back_text = request.query.get("back", "")
        back = [part[:MAX_CURSOR_CHARS] for part in back_text.split(SEPARATOR) if part][-MAX_BACK:]
        return cls(cursor, back)

    @property
    def is_first_page(self) -> bool:
        return self.cursor is None

    def next_url(self, path: str, params: dict[str, str], next_cursor: str | None) -> str | None:
        if next_cursor is None:
            return None
        back = [*self.back, self.cursor or FIRST_PAGE][-MAX_BACK:]
        return build_url(path, {**params, "cursor": next_cursor, "back": SEPARATOR.join(back)})

    def previous_url(self, path: str, params: dict[str, str]) -> str | None:
        if self.cursor is None:
            return None
        if not self.back:
            return self.first_url(path, params)
        previous = self.back[-1]
        paging: dict[str, str] = {}
        if previous != FIRST_PAGE:
            paging["cursor"] = previous
            if len(self.back) > 1:
                paging["back"] = SEPARATOR.join(self.back[:-1])
        return build_url(path, {**params, **paging})

    def first_url(self, path: str, params: dict[str, str]) -> str | None:
        if self.cursor is None:
            return None
        return build_url(path, params)


def build_url(path: str, params: dict[str, str]) -> str:
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{path}?{query}" if query else path
