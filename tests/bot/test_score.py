"""/score through the real bot: the ranking, one contact's breakdown, choices, nothing yet."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.bot.conftest import BotHub
from tests.hub.conftest import interaction


def person(name: str, email: str) -> list[dict[str, Any]]:
    return [{"handle": email, "kind": "email", "name": name, "role": "from"}]


def days_ago(days: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()


async def seed(bot_hub: BotHub) -> None:
    alice = person("Alice Example", "alice@example.com")
    bob = person("Bob <&> Example", "bob@example.com")
    items = [interaction(f"a{n}", type="meeting", source="meeting", occurred_at=days_ago(n * 3),
                         subject=f"Standup {n}", participants=alice) for n in range(12)]
    items += [interaction(f"b{n}", occurred_at=days_ago(200 + n), participants=bob) for n in range(3)]
    await bot_hub.hub.push(*items)


async def test_score_ranking(bot_hub: BotHub) -> None:
    await seed(bot_hub)

    [reply] = await bot_hub.ask("/score")
    text = bot_hub.message_of(reply).text

    assert text.startswith("Top contacts (score 0-100, change over 30 days)\n1. Alice Example ")
    assert re.search(r"\n1\. Alice Example \d+ \(\+\d+\)\n", text)
    assert re.search(r"\n2\. Bob <&> Example \d+ \(-\d+\)\n", text)
    assert "<b>Bob &lt;&amp;&gt; Example</b>" in reply.params["text"]
    assert re.search(r"\n\nFading\nBob <&> Example \d+ · silent for 200 days\n\n", text)
    assert text.endswith("Send /score and a name to see how a score comes about.")


async def test_score_unchanged_shown(bot_hub: BotHub) -> None:
    # Ten years of decay leave a score that rounds to 0 now and a month ago.
    await bot_hub.hub.push(interaction("c1", occurred_at=days_ago(3650),
                                       participants=person("Carol Example", "carol@example.com")))

    [reply] = await bot_hub.ask("/score")
    text = bot_hub.message_of(reply).text

    assert "\n1. Carol Example 0 (±0)\n" in text


async def test_score_namesakes_told_apart(bot_hub: BotHub) -> None:
    await seed(bot_hub)
    other_alice = person("alice example", "alice@work.example")
    await bot_hub.hub.push(*[interaction(f"w{n}", occurred_at=days_ago(n + 1), participants=other_alice)
                             for n in range(2)])

    [reply] = await bot_hub.ask("/score")
    text = bot_hub.message_of(reply).text

    assert re.search(r"\n1\. Alice Example \(alice@example\.com\) \d+ \([+-]\d+\)\n", text)
    assert re.search(r"\n2\. alice example \(alice@work\.example\) \d+ \(\+\d+\)\n", text)
    assert re.search(r"\n3\. Bob <&> Example \d+ \(-\d+\)\n", text)


async def test_score_by_id(bot_hub: BotHub) -> None:
    await seed(bot_hub)
    bob = await bot_hub.contact_id("bob@example.com")

    [reply] = await bot_hub.ask(f"/score #{bob}")

    assert bot_hub.message_of(reply).text.startswith("Bob <&> Example\nScore ")


async def test_score_breakdown(bot_hub: BotHub) -> None:
    await seed(bot_hub)

    [reply] = await bot_hub.ask("/score alice")
    text = bot_hub.message_of(reply).text
    lines = text.splitlines()

    assert lines[0] == "Alice Example"
    assert lines[1].startswith("Score ")
    assert lines[1].endswith(" · rank 1")
    trend = next(line for line in lines if line.startswith("Last 12 months: "))
    assert len(trend.removeprefix("Last 12 months: ")) == 12
    assert set(trend.removeprefix("Last 12 months: ")) <= set("▁▂▃▄▅▆▇█")
    assert "By type: meeting 100%" in text
    assert "By source: meeting 100%" in text
    assert "\nCounting most\n" in text
    assert " · meeting · Standup 0" in text
    assert "· meeting · meeting" not in text


async def test_score_choices_then_breakdown(bot_hub: BotHub) -> None:
    await seed(bot_hub)

    [reply] = await bot_hub.ask("/score example")
    message = bot_hub.message_of(reply)
    data = sorted(row[0]["callback_data"] for row in message.reply_markup["inline_keyboard"])

    assert message.text == "2 contacts match. Pick one:"
    assert all(item.startswith("k:") for item in data)

    await bot_hub.press(message, "Bob")

    assert message.text.startswith("Bob <&> Example\nScore ")
    assert "By type: email 100%" in message.text


async def test_score_unknown_contact(bot_hub: BotHub) -> None:
    await seed(bot_hub)

    [reply] = await bot_hub.ask("/score zoe")

    assert reply.params["text"].startswith("No contact matches <i>zoe</i>.")


async def test_score_without_data(bot_hub: BotHub) -> None:
    [reply] = await bot_hub.ask("/score")

    assert reply.params["text"] == "No scores yet: scores grow from the interactions the bridges push."


async def test_score_name_too_long(bot_hub: BotHub) -> None:
    [reply] = await bot_hub.ask("/score " + "x" * 201)

    assert reply.params["text"] == "That name is 201 characters long; give at most 200."
