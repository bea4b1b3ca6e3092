"""The neutral answer of a bot command: text with bold and italic spans, and buttons.

Commands build an `Answer` without knowing where it goes; `bot.render_html` turns it into
Telegram messages and `bot.render_text` into plain text for the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


Line = list[Span]


@dataclass(frozen=True)
class Button:
    label: str
    # Telegram's callback_data: at most 64 bytes of UTF-8 (see bot.commands.callbacks).
    data: str
    # The line that a renderer without buttons (`cardmunk-hub ask`) prints in place of the
    # button: the command that does the same, or a note. None leaves the button out there.
    hint: str | None = None


@dataclass
class Answer:
    """Paragraphs of lines of spans; paragraphs are separated by a blank line."""

    paragraphs: list[list[Line]] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    # True when the command itself was invalid (unknown command, bad syntax, missing argument).
    error: bool = False

    def add(self, *lines: Line | str) -> Answer:
        """Append a paragraph; a plain string becomes a line of one unformatted span."""
        self.paragraphs.append([[Span(line)] if isinstance(line, str) else line for line in lines])
        return self


def text_answer(*lines: Line | str, error: bool = False) -> Answer:
    """Return an answer of one paragraph, e.g. a short notice or an error message."""
    answer = Answer(error=error)
    return answer.add(*lines)


def bold(text: str) -> Span:
    return Span(text, bold=True)


def italic(text: str) -> Span:
    return Span(text, italic=True)
