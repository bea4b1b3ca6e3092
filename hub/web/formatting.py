"""Template filters: dates in the owner's time zone, durations, types, and highlighted snippets.

Content comes from other people and may hold any text, markup included. Every piece of it
is escaped here; only the `<mark>` elements around search matches are markup of ours.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from markupsafe import Markup, escape

# The type that (nearly) every interaction of a source has, so that showing it next to the
# source repeats it ("email · email"). Phone exports hold calls and text messages alike, so
# the phone source has no usual type and its interactions always show their type.
USUAL_TYPES = {
    "email": "email",
    "meeting": "meeting",
    "whatsapp": "message",
    "signal": "message",
    "telegram": "message",
}


def local_datetime(value: str | None, zone: tzinfo) -> str:
    """Format an RFC 3339 timestamp as "2024-03-08 21:10" in `zone`."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def local_date(value: str | None, zone: tzinfo) -> str:
    """Format an RFC 3339 timestamp as "2024-03-08" in `zone`."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d")


def duration(seconds: int | None) -> str:
    """Format a duration as "1 h 05 min", "4 min 10 s" or "35 s"."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


def type_label(source: str, interaction_type: str) -> str | None:
    """Return the type to show next to the source ("video call"), or None for the source's usual type."""
    if USUAL_TYPES.get(source) == interaction_type:
        return None
    return interaction_type.replace("_", " ")


def highlight(snippet: dict[str, Any] | None) -> Markup:
    """Escape a search snippet and wrap its `highlights` spans (character offsets) in <mark>.

    Spans out of range, empty or overlapping an earlier one are clipped or skipped, so a
    malformed span can never cut an escape sequence in half.
    """
    if not snippet:
        return Markup("")
    text = str(snippet.get("text") or "")
    pieces: list[str] = []
    position = 0
    for start, end in sorted(_valid_spans(snippet.get("highlights"), len(text))):
        start = max(start, position)
        if start >= end:
            continue
        pieces.append(str(escape(text[position:start])))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(str(escape(text[position:])))
    return Markup("".join(pieces))


def _valid_spans(spans: Any, length: int) -> list[tuple[int, int]]:
    valid: list[tuple[int, int]] = []
    for span in spans or []:
        if not isinstance(span, (list, tuple)) or len(span) != 2:
            continue
        start, end = span
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        start, end = max(0, start), min(length, end)
        if start < end:
            valid.append((start, end))
    return valid


def metadata_value(value: Any) -> str:
    """Show a metadata value: text as it is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
