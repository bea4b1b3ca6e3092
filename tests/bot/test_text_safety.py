"""Names and texts full of markup characters, emoji and right-to-left script; long answers."""

from __future__ import annotations

from tests.bot import updates
from tests.bot.conftest import BotHub
from tests.bot.fake_telegram import MAX_TEXT_UTF16, parse_telegram_html, utf16_length
from tests.hub.conftest import interaction

NASTY_NAME = "<b>Ali & Co</b> 😀 שלום عليكم"
NASTY_CONTENT = "dinner at <Mario's> & \"Luigi's\" 🍝🍷 — ‏مطعم‎ &amp; <i>open</i>"


async def test_markup_in_names_and_texts_escaped(bot_hub: BotHub) -> None:
    participant = {"handle": "ali@example.com", "kind": "email", "name": NASTY_NAME, "role": "from"}
    await bot_hub.hub.push(interaction("m1", subject="<script>x</script>", content=NASTY_CONTENT,
                                       participants=[participant]))

    [found] = await bot_hub.ask("/search dinner")
    [card] = await bot_hub.ask("/contact ali@example")

    search_text = parse_telegram_html(found.params["text"])
    card_text = parse_telegram_html(card.params["text"])
    assert NASTY_NAME in search_text
    assert "<script>x</script>" in search_text
    assert "at <Mario's> & \"Luigi's\" 🍝🍷" in search_text
    assert "&amp; <i>open</i>" in search_text
    assert card_text.startswith(NASTY_NAME + "\n")


async def test_long_answer_split_within_limit(bot_hub: BotHub) -> None:
    # 100 handles of 100 characters, each with two emoji (two UTF-16 code units each).
    handles = [{"kind": "other", "handle": f"{n:03d}-" + "😀x" * 2 + "y" * 91} for n in range(100)]
    created = await bot_hub.hub.client.post("/api/v1/contacts", json={"name": "Many Handles", "handles": handles},
                                            headers=bot_hub.hub.auth("admin"))
    assert created.status == 201

    before = len(bot_hub.fake.calls_of("sendMessage"))
    await bot_hub.fake.queue_update(updates.message("/contact Many Handles"))
    await bot_hub.fake.wait_until(lambda: any("First interaction" in c.params["text"]
                                              for c in bot_hub.fake.calls_of("sendMessage")))
    parts = bot_hub.fake.calls_of("sendMessage")[before:]

    texts = [parse_telegram_html(part.params["text"]) for part in parts]
    assert len(texts) >= 3
    assert all(utf16_length(text) <= MAX_TEXT_UTF16 for text in texts)
    joined = "\n".join(texts)
    assert all(f"other: {handle['handle']}" in joined for handle in handles)
