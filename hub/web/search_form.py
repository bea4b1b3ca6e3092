"""The search form of the Interactions page and the Activity tab.

The text box takes the shared query syntax (`hub.search.syntax`); the source, type and date
fields narrow the search further. Every filter must hold, so a source chosen in the form
and a different `source:` in the text find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from aiohttp import web

from hub.ingest.item import INTERACTION_TYPES, SOURCES
from hub.search.engine import SORTS
from hub.search.syntax import MAX_QUERY_CHARS, QuerySyntaxError, SearchQuery, parse_query, parse_time_bound

# Longer than any date or RFC 3339 timestamp; longer input is cut before parsing.
MAX_DATE_CHARS = 40


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    source: str = ""
    type: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = ""  # "" lets the query layer choose: best match with words, else newest first

    @classmethod
    def from_request(cls, request: web.Request) -> SearchForm:
        query = request.query
        return cls(
            q=query.get("q", "")[:MAX_QUERY_CHARS + 1].strip(),
            source=query.get("source", "").strip(),
            type=query.get("type", "").strip(),
            date_from=query.get("from", "")[:MAX_DATE_CHARS].strip(),
            date_to=query.get("to", "")[:MAX_DATE_CHARS].strip(),
            sort=query.get("sort", "").strip(),
        )

    @property
    def params(self) -> dict[str, str]:
        """The form's fields as query parameters, for paging links."""
        return {"q": self.q, "source": self.source, "type": self.type,
                "from": self.date_from, "to": self.date_to, "sort": self.sort}

    @property
    def is_filtered(self) -> bool:
        return any(self.params.values())

    def to_query(self, zone: tzinfo) -> SearchQuery | None:
        """Parse the form in `zone`; None when the filters contradict each other.

        Raises QuerySyntaxError with a message for the person.
        """
        if self.sort and self.sort not in SORTS:
            raise QuerySyntaxError(f"sort {self.sort!r} is unknown; use one of {', '.join(SORTS)}")
        query = parse_query(self.q, zone)
        if self.source:
            query.sources = _narrow("source", query.sources, self.source, SOURCES)
        if self.type:
            query.types = _narrow("type", query.types, self.type, INTERACTION_TYPES)
        if (self.source and not query.sources) or (self.type and not query.types):
            return None

        if self.date_from:
            since = _date_bound("from", self.date_from, zone, end_of_day=False)
            query.since = since if query.since is None else max(query.since, since)
        if self.date_to:
            until = _date_bound("to", self.date_to, zone, end_of_day=True)
            query.until = until if query.until is None else min(query.until, until)
        return query


def _date_bound(name: str, value: str, zone: tzinfo, *, end_of_day: bool) -> datetime:
    try:
        return parse_time_bound(value, zone, name, end_of_day=end_of_day)
    except QuerySyntaxError:
        raise QuerySyntaxError(
            f"the {name} date {value!r} is not a date; write YYYY-MM-DD or an RFC 3339 timestamp"
        ) from None


def _narrow(name: str, from_text: list[str], chosen: str, allowed: tuple[str, ...]) -> list[str]:
    """Combine a form filter with the same filter typed in the text: both must hold."""
    if chosen not in allowed:
        raise QuerySyntaxError(f"{name} {chosen!r} is unknown; use one of {', '.join(allowed)}")
    if not from_text or chosen in from_text:
        return [chosen]
    return []
