"""The 12-month score trend of a contact, drawn as an inline SVG bar chart on the server.

The chart needs no script: it is plain SVG markup in the page, styled by the static CSS.
Values are display scores on the 0-100 scale; each bar has a <title> with its month and value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup, escape

WIDTH = 240
HEIGHT = 100
LABEL_HEIGHT = 16
TOP_MARGIN = 4
BAR_GAP = 4
MAX_DISPLAY = 100.0
# English abbreviations, as the rest of the page; strftime("%b") would follow the locale.
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def trend_chart(trend: list[dict[str, Any]]) -> Markup:
    """Return an <svg> element with one bar per month, oldest on the left."""
    if not trend:
        return Markup("")
    slot = WIDTH / len(trend)
    plot_height = HEIGHT - LABEL_HEIGHT - TOP_MARGIN
    baseline = TOP_MARGIN + plot_height

    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-label="Score per month over the last 12 months">',
        f'<line class="axis" x1="0" y1="{baseline}" x2="{WIDTH}" y2="{baseline}"/>',
    ]
    for index, point in enumerate(trend):
        value = _display_value(point.get("display"))
        bar_height = plot_height * value / MAX_DISPLAY
        x = index * slot + BAR_GAP / 2
        label = _month_label(point.get("month"))
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{baseline - bar_height:.1f}" '
            f'width="{slot - BAR_GAP:.1f}" height="{bar_height:.1f}">'
            f"<title>{escape(str(point.get('month', '')))}: {value:.0f}</title></rect>"
        )
        parts.append(
            f'<text class="month" x="{x + (slot - BAR_GAP) / 2:.1f}" y="{HEIGHT - 2}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _display_value(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if number != number:  # NaN
        return 0.0
    return min(max(number, 0.0), MAX_DISPLAY)


def _month_label(month: Any) -> str:
    """Return "Mar" for "2024-03" or a date in that month; other text is cut to 3 characters."""
    text = str(month or "")
    try:
        return MONTH_NAMES[date.fromisoformat(text[:7] + "-01").month - 1]
    except ValueError:
        return text[:3]
