"""Render an answer as plain text for a terminal (`cardmunk-hub ask`)."""

from __future__ import annotations

from bot.answer import Answer


def render_text(answer: Answer) -> str:
    """Join the paragraphs with blank lines; buttons become last lines of `[label]` items, a line per row."""
    paragraphs = ["\n".join("".join(span.text for span in line) for line in paragraph)
                  for paragraph in answer.paragraphs]
    if answer.buttons:
        paragraphs.append("\n".join(" ".join(f"[{button.label}]" for button in row) for row in answer.buttons))
    return "\n\n".join(paragraphs)
