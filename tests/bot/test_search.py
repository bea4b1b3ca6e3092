"""/search through the real bot against the fake Bot API: results, paging, bad input."""

from __future__ import annotations

import sqlite3

from tests.bot import updates
from tests.bot.conftest import BotHub, button_data
from tests.hub.conftest import interaction


async def test_search_shows_hit_with_bold_match(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(interaction("m1", subject="Plans", content="Shall we have dinner on Friday?"))

    [reply] = await bot_hub.ask("/search dinner")

    html = reply.params["text"]
    assert reply.params["parse_mode"] == "HTML"
    assert "<b>dinner</b>" in html
    assert "<i>Plans</i>" in html
    assert "Bob Example" in html
    assert "</b> · email · Bob Example" in html
    assert "· email · email" not in html


async def test_search_shows_unusual_type(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(
        interaction("c1", source="phone", type="call", subject=None, content="dinner plans", duration_seconds=75),
        interaction("w1", source="whatsapp", type="video_call", subject=None, content="dinner video"),
        interaction("w2", source="whatsapp", type="message", subject=None, content="dinner text",
                    participants=[{"handle": "+15550123", "kind": "phone", "name": "Carol", "role": "from"}]),
    )

    [reply] = await bot_hub.ask("/search dinner")

    html = reply.params["text"]
    assert "</b> · phone · call · 1 min · Bob Example" in html
    assert "</b> · whatsapp · video call · Bob Example" in html
    assert "</b> · whatsapp · Carol" in html


async def test_search_namesakes_told_apart(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(
        interaction("m1", occurred_at="2024-03-02T10:00:00Z"),
        interaction("m2", occurred_at="2024-03-01T10:00:00Z",
                    participants=[{"handle": "bob@work.example", "kind": "email", "name": "Bob Example",
                                   "role": "from"}]),
    )

    [reply] = await bot_hub.ask("/search dinner")

    html = reply.params["text"]
    assert "</b> · email · Bob Example (bob@example.com)\n" in html
    assert "</b> · email · Bob Example (bob@work.example)\n" in html


async def test_search_dates_in_owner_zone(bot_hub: BotHub) -> None:
    # Europe/Berlin is UTC+2 in July.
    await bot_hub.hub.push(interaction("m1", occurred_at="2024-07-01T10:00:00Z"))

    [reply] = await bot_hub.ask("/search dinner")

    assert "<b>2024-07-01 12:00</b>" in reply.params["text"]


async def test_search_filters(bot_hub: BotHub) -> None:
    alice = [{"handle": "alice@example.com", "kind": "email", "name": "Alice Example", "role": "from"}]
    await bot_hub.hub.push(
        interaction("old", occurred_at="2023-05-01T10:00:00Z", participants=alice, content="lunch old"),
        interaction("new", occurred_at="2024-05-01T10:00:00Z", participants=alice, content="lunch new"),
        interaction("bob", occurred_at="2024-05-02T10:00:00Z", content="lunch bob"),
    )

    [reply] = await bot_hub.ask('/search lunch with:alice after:2024-01-01')

    html = reply.params["text"]
    assert "Results 1–1" in html
    assert "<b>lunch</b> new" in html
    assert "Bob Example" not in html


async def test_search_without_results(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(interaction("m1"))

    [reply] = await bot_hub.ask("/search zanzibar")

    assert "No interactions match <i>zanzibar</i>." in reply.params["text"]
    assert "reply_markup" not in reply.params


async def test_search_bad_syntax(bot_hub: BotHub) -> None:
    [unknown_type] = await bot_hub.ask("/search lunch type:fax")
    [short_prefix] = await bot_hub.ask("/search a*")
    [empty] = await bot_hub.ask("/search")
    [only_punctuation] = await bot_hub.ask("/search !!!")

    assert "Cannot read that search: type:fax is not a known type" in unknown_type.params["text"]
    assert "prefix 'a*' is too short" in short_prefix.params["text"]
    assert empty.params["text"].startswith("Send /search followed by words and filters")
    assert "the query has no words to search for" in only_punctuation.params["text"]


async def test_search_pages_forward_and_back(bot_hub: BotHub) -> None:
    items = [interaction(f"m{n:02d}", occurred_at=f"2024-03-{n:02d}T10:00:00Z", subject=None,
                         content=f"dinner number {n}") for n in range(1, 13)]
    await bot_hub.hub.push(*items)

    def buttons() -> list[str]:
        return [b["text"] for b in message.reply_markup["inline_keyboard"][0]]

    [reply] = await bot_hub.ask("/search dinner after:2024-01-01 before:2024-12-31")
    message = bot_hub.message_of(reply)
    pages = [message.text]
    assert "Results 1–5" in message.text
    assert buttons() == ["Next ›"]

    answer, _ = await bot_hub.press(message, "Next")
    pages.append(message.text)
    assert "text" not in answer.params
    assert "Results 6–10" in message.text
    assert buttons() == ["‹ Previous", "Next ›"]

    await bot_hub.press(message, "Next")
    pages.append(message.text)
    assert "Results 11–12" in message.text
    assert buttons() == ["‹ Previous"]

    await bot_hub.press(message, "Previous")
    assert message.text == pages[1]
    await bot_hub.press(message, "Previous")
    assert message.text == pages[0]

    shown = [n for n in range(1, 13) if any(f"dinner number {n}\n" in page + "\n" for page in pages)]
    assert shown == list(range(1, 13))


async def test_expired_search_button(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(*[interaction(f"m{n}", content=f"dinner {n}") for n in range(7)])
    [reply] = await bot_hub.ask("/search dinner")
    message = bot_hub.message_of(reply)
    stale = button_data(message, "Next").replace(button_data(message, "Next").split(":")[1], "zzzzzzzz")
    query_id = bot_hub.fake.new_callback_query_id()

    await bot_hub.fake.queue_update(updates.callback_query(query_id, message.data, stale))
    await bot_hub.ask("/help")

    [answer] = [c for c in bot_hub.fake.calls_of("answerCallbackQuery") if c.params["callback_query_id"] == query_id]
    assert answer.params["text"] == "This search expired; send it again."
    assert bot_hub.fake.calls_of("editMessageText") == []


async def test_unknown_button_data_answered(bot_hub: BotHub) -> None:
    [reply] = await bot_hub.ask("/help")
    message = bot_hub.message_of(reply)
    query_id = bot_hub.fake.new_callback_query_id()

    await bot_hub.fake.queue_update(updates.callback_query(query_id, message.data, "x:whatever"))
    await bot_hub.ask("/help")

    [answer] = [c for c in bot_hub.fake.calls_of("answerCallbackQuery") if c.params["callback_query_id"] == query_id]
    assert "no longer works" in answer.params["text"]


async def test_failed_page_still_answers_button(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(*[interaction(f"m{n}", content=f"dinner {n}") for n in range(7)])
    [reply] = await bot_hub.ask("/search dinner")
    message = bot_hub.message_of(reply)
    with sqlite3.connect(bot_hub.hub.settings.database.path) as connection:
        connection.execute("DROP TABLE interactions_fts")
    query_id = bot_hub.fake.new_callback_query_id()

    await bot_hub.fake.queue_update(updates.callback_query(query_id, message.data, button_data(message, "Next")))
    await bot_hub.ask("/help")

    [answer] = [c for c in bot_hub.fake.calls_of("answerCallbackQuery") if c.params["callback_query_id"] == query_id]
    assert answer.params["text"] == "Something went wrong."
    assert bot_hub.fake.calls_of("editMessageText") == []
