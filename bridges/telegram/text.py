"""Plain text and hidden links of a Telegram Desktop message `text` field.

`text` is a string when the message has no formatting. Otherwise it is a list that mixes
strings with entity objects such as `{"type": "bold", "text": "..."}`. Every entity type
(bold, italic, code, pre, link, text_link, mention, mention_name, hashtag, cashtag,
bot_command, email, phone, bank_card, underline, strikethrough, spoiler, blockquote,
custom_emoji) carries the visible characters in `text`. `text_entities` contains the same
parts, all as objects, and is used when `text` is absent.
"""

from __future__ import annotations

from typing import Any

# A text_link shows `text` and points at `href`; the href is not part of the visible text.
TEXT_LINK = "text_link"
# Upper bound on the characters of hidden link targets kept per message, so the item's
# metadata stays well under its 16 KiB limit.
MAX_LINK_CHARS = 8 * 1024


def _parts(message: dict[str, Any]) -> list[Any]:
    text = message.get("text")
    if text is None:
        text = message.get("text_entities")
    if text is None:
        return []
    if isinstance(text, list):
        return text
    return [text]


def plain_text(message: dict[str, Any]) -> str:
    """Return the visible text of a message: its strings and entity texts, in order."""
    pieces: list[str] = []
    for part in _parts(message):
        if isinstance(part, str):
            pieces.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            pieces.append(part["text"])
    # The exporter escapes U+0000 like any control character; the hub rejects NUL.
    return "".join(pieces).replace("\x00", "")


def hidden_links(message: dict[str, Any]) -> list[str]:
    """Return the targets of the message's text_link entities, whose URL the text hides."""
    links: list[str] = []
    total = 0
    for part in _parts(message):
        if not isinstance(part, dict) or part.get("type") != TEXT_LINK:
            continue
        href = part.get("href")
        if not isinstance(href, str) or not href:
            continue
        total += len(href)
        if total > MAX_LINK_CHARS:
            break
        links.append(href)
    return links
