"""/contact through the real bot: the card, picking among matches, no match, bad input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tests.bot.conftest import BotHub
from tests.hub.conftest import interaction

ALICE = {"handle": "alice@example.com", "kind": "email", "name": "Alice Example", "role": "from"}


def days_ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()


async def test_contact_card(bot_hub: BotHub) -> None:
    oldest = days_ago(400)
    await bot_hub.hub.push(
        interaction("recent", occurred_at=days_ago(3), participants=[ALICE], subject="Hiking",
                    content="See you at the trailhead"),
        interaction("call", type="call", source="phone", occurred_at=days_ago(100), subject=None, content=None,
                    duration_seconds=300,
                    participants=[{"handle": "+15550123", "kind": "phone", "name": "Alice Example", "role": "from"}]),
        interaction("old", occurred_at=oldest, participants=[ALICE]),
    )

    [reply] = await bot_hub.ask("/contact alice@example")
    text = bot_hub.message_of(reply).text

    assert text.startswith("Alice Example\n")
    assert "email: alice@example.com" in text
    assert "Last interaction: " in text
    assert "· email\nHiking\nSee you at the trailhead" in text
    assert "· email · email" not in text
    assert "Last 30 days: 1 email\n" in text
    assert "Last 365 days: 1 email\n" in text
    assert "All time: 2 emails\n" in text
    first = datetime.fromisoformat(oldest).astimezone(ZoneInfo("Europe/Berlin")).date()
    assert f"First interaction: {first.isoformat()}" in text


async def test_contact_counts_every_type(bot_hub: BotHub) -> None:
    participants = [ALICE]
    await bot_hub.hub.push(
        interaction("e1", occurred_at=days_ago(1), participants=participants),
        interaction("e2", occurred_at=days_ago(2), participants=participants),
        interaction("m1", type="meeting", source="meeting", occurred_at=days_ago(40), participants=participants),
    )

    [reply] = await bot_hub.ask("/contact Alice Example")
    text = bot_hub.message_of(reply).text

    assert "Last 30 days: 2 emails\n" in text
    assert "Last 365 days: 2 emails, 1 meeting\n" in text


async def test_contact_choices_then_card(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(
        interaction("a1", participants=[ALICE]),
        interaction("a2", participants=[{"handle": "alicia@example.org", "kind": "email",
                                         "name": "Alicia Other", "role": "from"}]),
    )

    [reply] = await bot_hub.ask("/contact ali")
    message = bot_hub.message_of(reply)
    labels = sorted(b[0]["text"] for b in message.reply_markup["inline_keyboard"])

    assert message.text == "2 contacts match. Pick one:"
    assert labels == ["Alice Example · alice@example.com", "Alicia Other · alicia@example.org"]

    await bot_hub.press(message, "Alicia Other")

    assert message.text.startswith("Alicia Other\n")
    assert message.reply_markup is None


async def test_contact_too_many_matches(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(*[
        interaction(f"p{n}", occurred_at=days_ago(n + 1),
                    participants=[{"handle": f"person{n}@example.com", "kind": "email", "name": f"Person {n}",
                                   "role": "from"}])
        for n in range(9)
    ])

    [reply] = await bot_hub.ask("/contact person")
    message = bot_hub.message_of(reply)
    labels = [row[0]["text"] for row in message.reply_markup["inline_keyboard"]]

    assert message.text == "More than 8 contacts match. Type more of the name, or pick one of the 8 most recent:"
    assert labels == [f"Person {n} · person{n}@example.com" for n in range(8)]


async def test_contact_namesakes_told_apart(bot_hub: BotHub) -> None:
    # The two addresses agree in the 39 characters a button label keeps of them.
    long_addresses = ["robert.example.of.the.north.climbing.team@example.com",
                      "robert.example.of.the.north.climbing.teams@example.com"]
    handles = [("email", address) for address in long_addresses] + [("phone", "+15550199")]
    await bot_hub.hub.push(*[
        interaction(f"b{n}", occurred_at=days_ago(n + 1),
                    participants=[{"handle": handle, "kind": kind, "name": "Bob Example", "role": "from"}])
        for n, (kind, handle) in enumerate(handles)
    ])
    ids = [await bot_hub.contact_id(handle) for _, handle in handles]

    [reply] = await bot_hub.ask("/contact bob example")
    message = bot_hub.message_of(reply)
    labels = [row[0]["text"] for row in message.reply_markup["inline_keyboard"]]

    assert message.text == "3 contacts match. Pick one:"
    assert labels == [f"Bob Example · #{ids[0]}", f"Bob Example · #{ids[1]}", "Bob Example · +15550199"]

    await bot_hub.press(message, f"#{ids[1]}")

    assert message.text.startswith("Bob Example\n")
    assert f"email: {long_addresses[1]}" in message.text


async def test_contact_by_id(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(interaction("a1", participants=[ALICE]), interaction("b1"))
    alice = await bot_hub.contact_id("alice@example.com")

    [found] = await bot_hub.ask(f"/contact #{alice}")
    [missing] = await bot_hub.ask("/contact #999999")

    assert bot_hub.message_of(found).text.startswith("Alice Example\nScore ")
    assert missing.params["text"] == "No contact has the id #999999; it may have been merged or deleted."


async def test_contact_exact_name_wins(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(
        interaction("a1", participants=[{"handle": "al@example.com", "kind": "email", "name": "Al", "role": "from"}]),
        interaction("a2", participants=[ALICE]),
    )

    [reply] = await bot_hub.ask("/contact al")

    assert bot_hub.message_of(reply).text.startswith("Al\n")


async def test_contact_not_found(bot_hub: BotHub) -> None:
    await bot_hub.hub.push(interaction("a1", participants=[ALICE]))

    [reply] = await bot_hub.ask("/contact zoe")

    assert reply.params["text"].startswith("No contact matches <i>zoe</i>.")


async def test_contact_without_argument(bot_hub: BotHub) -> None:
    [reply] = await bot_hub.ask("/contact")

    assert reply.params["text"].startswith("Send /contact followed by a name")


async def test_contact_name_too_long(bot_hub: BotHub) -> None:
    [reply] = await bot_hub.ask("/contact " + "y" * 300)

    assert reply.params["text"] == "That name is 300 characters long; give at most 200."
