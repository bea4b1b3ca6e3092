"""Render an answer as Telegram HTML messages, split to fit Telegram's length limit.

Telegram counts a message's length in UTF-16 code units of the text after entity parsing
(tags removed, `&lt;` counted as one `<`), at most 4,096. An emoji outside the Basic
Multilingual Plane counts two. Every value is escaped, so text from messages and names can
never open a tag.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field

from bot.answer import Answer, Button, Line, Span

MAX_MESSAGE_UTF16 = 4096


@dataclass
class HtmlMessage:
    html: str
    # Inline keyboard rows; only the last message of an answer carries the answer's buttons.
    buttons: list[list[Button]] = field(default_factory=list)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render_html(answer: Answer, limit: int = MAX_MESSAGE_UTF16) -> list[HtmlMessage]:
    """Render `answer` into as few messages as fit, each within `limit` UTF-16 code units."""
    messages: list[list[Line]] = []
    current: list[Line] = []
    current_length = 0

    for separator, line in _lines_with_separators(answer):
        for index, piece in enumerate(_split_line(line, limit)):
            # The pieces of one cut line continue each other without a separator.
            joint = separator if index == 0 else ""
            length = _line_length(piece)
            if current and current_length + utf16_length(joint) + length <= limit:
                current.append([Span(joint), *piece])
                current_length += utf16_length(joint) + length
                continue
            if current:
                messages.append(current)
            current, current_length = [piece], length
    if current:
        messages.append(current)

    rendered = [HtmlMessage(_render_lines(lines)) for lines in messages if _has_text(lines)]
    if not rendered:
        rendered = [HtmlMessage(html.escape("(no answer)", quote=False))]
    rendered[-1].buttons = answer.buttons
    return rendered


def _lines_with_separators(answer: Answer) -> list[tuple[str, Line]]:
    lines: list[tuple[str, Line]] = []
    for paragraph_index, paragraph in enumerate(answer.paragraphs):
        for line_index, line in enumerate(paragraph):
            if line_index > 0:
                separator = "\n"
            elif paragraph_index > 0:
                separator = "\n\n"
            else:
                separator = ""
            lines.append((separator, [Span(_clean(s.text), s.bold, s.italic) for s in line]))
    return lines


def _split_line(line: Line, limit: int) -> list[Line]:
    """Cut a line longer than `limit` into pieces that fit; spans keep their formatting."""
    if _line_length(line) <= limit:
        return [line]
    pieces: list[Line] = []
    piece: Line = []
    length = 0
    for span in line:
        start = 0
        text = span.text
        while start < len(text):
            room = limit - length
            end = _cut_index(text, start, room)
            if end == start and not piece:
                end = start + 1  # a limit narrower than one character: never loop forever
            if end == start:
                pieces.append(piece)
                piece, length = [], 0
                continue
            piece.append(Span(text[start:end], span.bold, span.italic))
            length += utf16_length(text[start:end])
            start = end
    if piece:
        pieces.append(piece)
    return pieces


def _cut_index(text: str, start: int, room: int) -> int:
    """Return the end of the longest slice of `text` from `start` that fits in `room` units."""
    end = start
    used = 0
    while end < len(text):
        width = 2 if ord(text[end]) > 0xFFFF else 1
        if used + width > room:
            break
        used += width
        end += 1
    return end


def _line_length(line: Line) -> int:
    return sum(utf16_length(span.text) for span in line)


def _has_text(lines: list[Line]) -> bool:
    return any(span.text.strip() for line in lines for span in line)


def _render_lines(lines: list[Line]) -> str:
    return "".join(_render_span(span) for line in lines for span in line)


def _render_span(span: Span) -> str:
    if not span.text:
        return ""
    text = html.escape(span.text, quote=False)
    if span.italic:
        text = f"<i>{text}</i>"
    if span.bold:
        text = f"<b>{text}</b>"
    return text


def _clean(text: str) -> str:
    """Replace control characters (other than newline) with spaces."""
    return "".join(
        " " if unicodedata.category(char) == "Cc" and char != "\n" else char for char in text
    )
