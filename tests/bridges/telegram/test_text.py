"""Text of Telegram messages: plain strings and arrays of every entity type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridges.core.records import ReadOptions
from bridges.telegram import read
from tests.bridges.casekit import errors_of, interactions_of
from tests.bridges.telegram.exports import message, personal_chat, write_json

# Every entity type Telegram Desktop's JSON writer emits, with the extra field some carry
# (user_id, href, language, document_id). The extra value must never reach the text.
ENTITIES = [
    {"type": "mention", "text": "@carol_example"},
    {"type": "hashtag", "text": "#hiking"},
    {"type": "bot_command", "text": "/start"},
    {"type": "link", "text": "https://example.com/a"},
    {"type": "email", "text": "carol@example.com"},
    {"type": "bold", "text": "bold"},
    {"type": "italic", "text": "italic"},
    {"type": "code", "text": "x = 1"},
    {"type": "pre", "text": "print(1)", "language": "python-hidden"},
    {"type": "plain", "text": "plain"},
    {"type": "text_link", "text": "here", "href": "https://example.com/hidden"},
    {"type": "mention_name", "text": "Carol", "user_id": 4000000777},
    {"type": "phone", "text": "+1 555 0102"},
    {"type": "cashtag", "text": "$EXM"},
    {"type": "underline", "text": "underlined"},
    {"type": "strikethrough", "text": "struck"},
    {"type": "blockquote", "text": "quoted"},
    {"type": "bank_card", "text": "4000 0000 0000 0002"},
    {"type": "spoiler", "text": "secret"},
    {"type": "custom_emoji", "text": "😮", "document_id": "video_files/sticker.webm"},
    {"type": "unknown", "text": "?"},
]
HIDDEN_VALUES = ["python-hidden", "https://example.com/hidden", "4000000777", "video_files/sticker.webm"]


def _read_one(tmp_path: Path, text: Any, **extra: Any) -> str | None:
    path = write_json(tmp_path, personal_chat([message(1, text, **extra)]))
    records = list(read(path, ReadOptions()))
    assert errors_of(records) == []
    (item,) = interactions_of(records)
    return item.content


@pytest.mark.parametrize("entity", ENTITIES, ids=[e["type"] for e in ENTITIES])
def test_entity_text_joined(tmp_path: Path, entity: dict[str, Any]) -> None:
    content = _read_one(tmp_path, ["before ", entity, " after"])

    assert content == f"before {entity['text']} after"
    for hidden in HIDDEN_VALUES:
        assert hidden not in (content or "")


def test_all_entities_in_one_message(tmp_path: Path) -> None:
    content = _read_one(tmp_path, [part for entity in ENTITIES for part in (entity, "|")])

    assert content == "".join(f"{entity['text']}|" for entity in ENTITIES)


def test_entity_first_and_last(tmp_path: Path) -> None:
    content = _read_one(tmp_path, [{"type": "bold", "text": "Hi"}, {"type": "italic", "text": "!"}])

    assert content == "Hi!"


def test_plain_string_text(tmp_path: Path) -> None:
    assert _read_one(tmp_path, "just text") == "just text"


def test_text_entities_used_without_text(tmp_path: Path) -> None:
    fields = message(1, ["a ", {"type": "bold", "text": "b"}])
    del fields["text"]
    path = write_json(tmp_path, personal_chat([fields]))

    (item,) = interactions_of(read(path, ReadOptions()))

    assert item.content == "a b"


def test_non_text_parts_ignored(tmp_path: Path) -> None:
    content = _read_one(tmp_path, ["a", {"type": "bold"}, 7, None, {"type": "italic", "text": "b"}])

    assert content == "ab"


def test_text_links_kept_in_metadata(tmp_path: Path) -> None:
    text = [
        {"type": "text_link", "text": "one", "href": "https://example.com/1"},
        " and ",
        {"type": "text_link", "text": "two", "href": "https://example.com/2"},
    ]
    path = write_json(tmp_path, personal_chat([message(1, text)]))

    (item,) = interactions_of(read(path, ReadOptions()))

    assert item.content == "one and two"
    assert item.metadata["links"] == ["https://example.com/1", "https://example.com/2"]
