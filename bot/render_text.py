"""Render an answer as plain text for a terminal (`cardmunk-hub ask`)."""

from __future__ import annotations

from bot.answer import Answer


def render_text(answer: Answer) -> str:
    """Join the paragraphs with blank lines; buttons become a last line of `[label]` items."""
    paragraphs = ["\n".join("".join(span.text for span in line) for line in paragraph)
                  for paragraph in answer.paragraphs]
    for row in answer.buttons:
        paragraphs.append(" ".join(f"[{button.label}]" for button in row))
    return "\n\n".join(paragraphs)
