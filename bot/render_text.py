"""Render an answer as plain text for a terminal (`cardmunk-hub ask`)."""

from __future__ import annotations

from bot.answer import Answer


def render_text(answer: Answer) -> str:
    """Join the paragraphs with blank lines, then print the buttons' hints as a last paragraph.

    A terminal cannot press a button, so a button without a hint is left out.
    """
    paragraphs = ["\n".join("".join(span.text for span in line) for line in paragraph)
                  for paragraph in answer.paragraphs]
    hints = [button.hint for row in answer.buttons for button in row if button.hint]
    if hints:
        paragraphs.append("\n".join(hints))
    return "\n\n".join(paragraphs)
