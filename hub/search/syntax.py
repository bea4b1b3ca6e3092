"""The query syntax shared by the API, the Telegram bot and the web page.

    dinner "new year" res*  source:whatsapp type:call with:alice after:2024-01-01 before:2024-06-30

- words must all match (AND), diacritics and case ignored (`si` finds `Sí`);
- `"a phrase"` matches the words in that order; an unclosed quote runs to the end;
- `prefix*` matches words starting with the prefix (at least 2 letters or digits);
- filters: `source:`, `type:`, `with:` (a contact's name or handle, or part of it; quote it
  for several words: `with:"Alice Example"`), `after:` and `before:` (a date, both days
  included, or an RFC 3339 timestamp). Repeating `source:` or `type:` means either one.

Everything else is literal text: FTS5 operators (`OR`, `NOT`, `NEAR(`, `-`, `^`, `:`) and
stray punctuation are searched for as words, never interpreted, so no input can produce an
FTS5 syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from hub.ingest.item import INTERACTION_TYPES, SOURCES

MIN_PREFIX_CHARS = 2
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
FILTER_KEYS = ("source", "type", "with", "after", "before")

_TOKEN_CHAR = re.compile(r"\w", re.UNICODE)


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; the message names the part and how to fix it."""


@dataclass(frozen=True)
class Term:
    text: str
    kind: str  # "word", "phrase" or "prefix"


@dataclass
class SearchQuery:
    terms: list[Term] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    with_contacts: list[str] = field(default_factory=list)
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    @property
    def has_text(self) -> bool:
        return bool(self.terms)


def parse_query(text: str, zone: tzinfo = timezone.utc) -> SearchQuery:
    """Parse `text` into terms and filters; dates are read in `zone`."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query is {len(text)} characters long; at most {MAX_QUERY_CHARS}")
    if "\x00" in text:
        # FTS5 reads its query as a C string, which a NUL character cuts short.
        raise QuerySyntaxError("query must not contain NUL characters")

    query = SearchQuery()
    for token, quoted in _tokens(text):
        key, sep, value = token.partition(":")
        if not quoted and sep and key.lower() in FILTER_KEYS:
            _apply_filter(query, key.lower(), _unquote(value), zone)
            continue
        term = _make_term(token, quoted)
        if term is not None:
            query.terms.append(term)

    if not query.terms and text.strip() and not _has_filter(query):
        raise QuerySyntaxError("the query has no words to search for; letters or digits are needed")
    if len(query.terms) > MAX_TERMS:
        raise QuerySyntaxError(f"query has {len(query.terms)} search terms; at most {MAX_TERMS}")
    return query


def _has_filter(query: SearchQuery) -> bool:
    return bool(query.sources or query.types or query.with_contacts or query.since or query.until)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split on white space; a quoted part (also after `key:`) stays one token."""
    tokens: list[tuple[str, bool]] = []
    position = 0
    length = len(text)
    while position < length:
        if text[position].isspace():
            position += 1
            continue
        if text[position] == '"':
            end = text.find('"', position + 1)
            end = length if end == -1 else end
            tokens.append((text[position + 1:end], True))
            position = end + 1
            continue

        start = position
        while position < length and not text[position].isspace():
            if text[position] == '"' and text[start:position].endswith(":"):
                end = text.find('"', position + 1)
                position = length if end == -1 else end + 1
                break
            position += 1
        tokens.append((text[start:position], False))
    return tokens


def _unquote(value: str) -> str:
    if value.startswith('"'):
        value = value[1:]
        if value.endswith('"'):
            value = value[:-1]
    return value.strip()


def _make_term(token: str, quoted: bool) -> Term | None:
    if not _TOKEN_CHAR.search(token):
        return None
    if quoted:
        return Term(token, "phrase")
    if token.endswith("*"):
        stem = token.rstrip("*")
        if len(_TOKEN_CHAR.findall(stem)) < MIN_PREFIX_CHARS:
            raise QuerySyntaxError(
                f"prefix {token!r} is too short: give at least {MIN_PREFIX_CHARS} letters before *"
            )
        return Term(stem, "prefix")
    return Term(token, "word")


def _apply_filter(query: SearchQuery, key: str, value: str, zone: tzinfo) -> None:
    if not value:
        raise QuerySyntaxError(f"{key}: needs a value, for example {_EXAMPLES[key]}")
    if key == "source":
        query.sources.append(_choice("source", value.lower(), SOURCES))
    elif key == "type":
        query.types.append(_choice("type", value.lower(), INTERACTION_TYPES))
    elif key == "with":
        query.with_contacts.append(value)
    elif key == "after":
        query.since = parse_time_bound(value, zone, "after", end_of_day=False)
    elif key == "before":
        query.until = parse_time_bound(value, zone, "before", end_of_day=True)


_EXAMPLES = {
    "source": "source:whatsapp",
    "type": "type:call",
    "with": 'with:alice or with:"Alice Example"',
    "after": "after:2024-01-01",
    "before": "before:2024-06-30",
}


def _choice(key: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise QuerySyntaxError(f"{key}:{value} is not a known {key}; use one of {', '.join(allowed)}")
    return value


def parse_time_bound(value: str, zone: tzinfo, name: str, *, end_of_day: bool) -> datetime:
    """Read a date (the whole day, in `zone`) or an RFC 3339 timestamp with an offset.

    With `end_of_day`, a date means the end of that day (exclusive bound: the next midnight).
    """
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is not None:
        if end_of_day:
            day = day + timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=zone)

    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise QuerySyntaxError(
            f"{name}:{value} is not a date; write YYYY-MM-DD or an RFC 3339 timestamp"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def fts_match_expression(terms: list[Term]) -> str:
    """Build the FTS5 MATCH expression: every term quoted, so it is taken literally."""
    parts = []
    for term in terms:
        quoted = '"' + term.text.replace('"', '""') + '"'
        parts.append(quoted + "*" if term.kind == "prefix" else quoted)
    return " ".join(parts)
