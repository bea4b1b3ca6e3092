"""Formatting shared by the bot's commands: dates in the owner's zone, snippets, counts, namesakes."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any, Iterable, Mapping, Sequence

from bot.answer import Line, Span
from hub.text import fold
from hub.web.formatting import type_label

ELLIPSIS = "…"
MAX_SNIPPET_CHARS = 300
MAX_NAME_CHARS = 64
MAX_DETAIL_CHARS = 40
SPARK_LEVELS = "▁▂▃▄▅▆▇█"

_WHITESPACE = re.compile(r"\s+")

TYPE_NAMES = {
    "message": ("message", "messages"),
    "email": ("email", "emails"),
    "call": ("call", "calls"),
    "video_call": ("video call", "video calls"),
    "meeting": ("meeting", "meetings"),
    "other": ("other", "others"),
}


def local_time(timestamp: str | None, zone: tzinfo) -> str:
    """Format an RFC 3339 timestamp as "2024-03-08 21:10" in `zone`."""
    if not timestamp:
        return "unknown"
    return datetime.fromisoformat(timestamp).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def local_date(timestamp: str | None, zone: tzinfo) -> str:
    if not timestamp:
        return "unknown"
    return datetime.fromisoformat(timestamp).astimezone(zone).strftime("%Y-%m-%d")


def source_and_type(source: str, interaction_type: str) -> str:
    """Return "email" or "phone · call": the type is left out where it is the source's usual one."""
    shown_type = type_label(source, interaction_type)
    return source if shown_type is None else f"{source} · {shown_type}"


def shorten(text: str, max_chars: int) -> str:
    """Collapse white space and cut `text` to `max_chars` characters, marking the cut with …."""
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + ELLIPSIS


def snippet_line(snippet: dict[str, Any], max_chars: int = MAX_SNIPPET_CHARS) -> Line:
    """Turn a search hit's snippet into spans, the matched words bold, white space collapsed."""
    text: str = snippet.get("text") or ""
    spans: Line = []
    position = 0
    for start, end in snippet.get("highlights") or []:
        if start > position:
            spans.append(Span(text[position:start]))
        spans.append(Span(text[start:end], bold=True))
        position = max(position, end)
    if position < len(text):
        spans.append(Span(text[position:]))
    return _truncate_spans(_collapse_spans(spans), max_chars)


def _collapse_spans(spans: Line) -> Line:
    collapsed: Line = []
    for span in spans:
        collapsed.append(Span(_WHITESPACE.sub(" ", span.text), span.bold, span.italic))
    if collapsed:
        collapsed[0] = Span(collapsed[0].text.lstrip(), collapsed[0].bold, collapsed[0].italic)
        collapsed[-1] = Span(collapsed[-1].text.rstrip(), collapsed[-1].bold, collapsed[-1].italic)
    return [span for span in collapsed if span.text]


def _truncate_spans(spans: Line, max_chars: int) -> Line:
    result: Line = []
    room = max_chars
    for span in spans:
        if len(span.text) < room:
            result.append(span)
            room -= len(span.text)
            continue
        result.append(Span(span.text[: max(room - 1, 0)] + ELLIPSIS, span.bold, span.italic))
        break
    return result


def names_text(names: Sequence[str], max_names: int = 3) -> str:
    """Return "Alice, Bob and 4 more" with each name cut to MAX_NAME_CHARS."""
    shown = [shorten(name, MAX_NAME_CHARS) for name in names[:max_names]]
    if len(names) > max_names:
        shown.append(f"{len(names) - max_names} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def name_details(contacts: Iterable[Mapping[str, Any]]) -> dict[int, str]:
    """Return a detail that distinguishes each contact whose name repeats in `contacts`, by id.

    Each contact has "id", "name" and optionally "handles" (as hub.contacts.queries returns
    them); one contact may come more than once. Names are compared with case and accents
    ignored. A contact whose name repeats gets its first handle that no other contact of
    that name has, else "#<id>"; a contact whose name is unique in the list is left out.
    """
    by_name: dict[str, dict[int, list[str]]] = {}
    for contact in contacts:
        handles = [shorten(h["handle"], MAX_DETAIL_CHARS) for h in contact.get("handles") or []]
        by_name.setdefault(fold(contact["name"]), {})[int(contact["id"])] = handles

    details: dict[int, str] = {}
    for namesakes in by_name.values():
        if len(namesakes) < 2:
            continue
        for contact_id, handles in namesakes.items():
            others = {handle for other, other_handles in namesakes.items() if other != contact_id
                      for handle in other_handles}
            details[contact_id] = next((h for h in handles if h not in others), f"#{contact_id}")
    return details


def type_count(interaction_type: str, count: int) -> str:
    singular, plural = TYPE_NAMES.get(interaction_type, (interaction_type, interaction_type))
    return f"{count} {singular if count == 1 else plural}"


def counts_text(counts: dict[str, int]) -> str:
    """Return "3 emails, 1 call" (largest first), or "none"."""
    ordered = sorted(((n, t) for t, n in counts.items() if n), key=lambda item: (-item[0], item[1]))
    if not ordered:
        return "none"
    return ", ".join(type_count(interaction_type, n) for n, interaction_type in ordered)


def sparkline(values: Iterable[float], low: float | None = None, high: float | None = None) -> str:
    """Draw values as block characters from ▁ (`low`, default the minimum) to █ (`high`)."""
    numbers = list(values)
    if not numbers:
        return ""
    low = min(numbers) if low is None else low
    high = max(numbers) if high is None else high
    if high <= low:
        return SPARK_LEVELS[0] * len(numbers)
    top = len(SPARK_LEVELS) - 1
    levels = (round((min(max(value, low), high) - low) / (high - low) * top) for value in numbers)
    return "".join(SPARK_LEVELS[level] for level in levels)
