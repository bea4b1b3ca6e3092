"""Fixtures: the hub with its Telegram bot running against the fake Bot API server."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable

import pytest

from bot.settings import TOKEN_ENVIRONMENT_VARIABLE, WEBHOOK_SECRET_ENVIRONMENT_VARIABLE
from hub.app import create_app
from tests.bot import updates
from tests.bot.fake_telegram import Call, FakeTelegram, StoredMessage
from tests.hub.conftest import Hub, create_tokens, make_settings

TOKEN = "7000000001:AAF-fake-token-for-tests-only_0123456789"
WEBHOOK_SECRET = "webhook-secret_0123456789"


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN)
    await fake.start()
    yield fake
    await fake.close()


@dataclass
class BotHub:
    """The hub (with HTTP client) and the fake Telegram its bot talks to."""

    hub: Hub
    fake: FakeTelegram
    # Set by tests that expect the fake to reject a call.
    expect_rejections: bool = False
    seen_callbacks: set[str] = field(default_factory=set)

    async def ask(self, text: str, *, user_id: int = updates.OWNER_ID, replies: int = 1) -> list[Call]:
        """Send `text` as the user and return the `replies` new sendMessage calls."""
        before = len(self.fake.calls_of("sendMessage"))
        await self.fake.queue_update(updates.message(text, user_id=user_id))
        calls = await self.fake.wait_for_calls("sendMessage", before + replies)
        return calls[before:before + replies]

    async def contact_id(self, handle: str) -> int:
        """The id of the one contact with `handle`, through the contacts API."""
        contacts = (await self.hub.get("/api/v1/contacts", q=handle))["contacts"]
        assert len(contacts) == 1, contacts
        return int(contacts[0]["id"])

    def message_of(self, call: Call) -> StoredMessage:
        """The message as the fake stores it now (after any later edits)."""
        for stored in self.fake.messages.values():
            if stored.html == call.params["text"] and stored.chat_id == int(call.params["chat_id"]):
                return stored
        raise AssertionError("no stored message for that call")

    async def press(self, stored: StoredMessage, label: str, *, user_id: int = updates.OWNER_ID,
                    edits: int = 1) -> tuple[Call, list[Call]]:
        """Press the button labelled `label`; return the callback answer and the new edits."""
        data = button_data(stored, label)
        edits_before = len(self.fake.calls_of("editMessageText"))
        query_id = self.fake.new_callback_query_id()
        await self.fake.queue_update(updates.callback_query(query_id, stored.data, data, user_id=user_id))
        await self.fake.wait_until(lambda: any(c.params.get("callback_query_id") == query_id
                                               for c in self.fake.calls_of("answerCallbackQuery")))
        answer = next(c for c in self.fake.calls_of("answerCallbackQuery")
                      if c.params.get("callback_query_id") == query_id)
        edited = await self.fake.wait_for_calls("editMessageText", edits_before + edits)
        return answer, edited[edits_before:]


def button_data(stored: StoredMessage, label: str) -> str:
    for row in (stored.reply_markup or {}).get("inline_keyboard", []):
        for button in row:
            if label in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(f"no button labelled {label!r} in {stored.reply_markup}")


BotHubFactory = Callable[..., Awaitable[BotHub]]


@pytest.fixture
async def bot_hub_factory(fake_telegram: FakeTelegram, aiohttp_client: Any, tmp_path: Any,
                          monkeypatch: pytest.MonkeyPatch,
                          caplog: pytest.LogCaptureFixture) -> AsyncIterator[BotHubFactory]:
    started: list[BotHub] = []
    # Capture everything, so the checks below see what DEBUG logging would write.
    caplog.set_level(logging.DEBUG)

    async def start(mode: str = "polling", **sections: dict[str, Any]) -> BotHub:
        monkeypatch.setenv(TOKEN_ENVIRONMENT_VARIABLE, TOKEN)
        monkeypatch.setenv(WEBHOOK_SECRET_ENVIRONMENT_VARIABLE, WEBHOOK_SECRET)
        telegram = {
            "api_base_url": f"{fake_telegram.url}/bot",
            "api_file_base_url": f"{fake_telegram.url}/file/bot",
            "owner_ids": [updates.OWNER_ID, updates.SECOND_OWNER_ID],
            "mode": mode,
        }
        if mode == "webhook":
            telegram["webhook_url"] = "https://cardmunk.example.com/telegram/webhook"
        telegram.update(sections.pop("telegram", {}))
        owner = {"handles": ["email:me@example.com", "phone:+15550100"], "timezone": "Europe/Berlin"}
        owner.update(sections.pop("owner", {}))
        settings = make_settings(tmp_path, telegram=telegram, owner=owner, **sections)
        tokens = create_tokens(settings)
        client = await aiohttp_client(create_app(settings))
        if mode == "polling":
            await fake_telegram.wait_until(lambda: bool(fake_telegram.arrived("getUpdates")))
        else:
            await fake_telegram.wait_for_calls("setWebhook")
        bot_hub = BotHub(Hub(client, settings, tokens), fake_telegram)
        started.append(bot_hub)
        return bot_hub

    yield start

    for bot_hub in started:
        assert not bot_hub.expect_rejections or bot_hub.fake.rejected()
        if not bot_hub.expect_rejections:
            assert bot_hub.fake.rejected() == [], "the fake Bot API rejected calls"
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


@pytest.fixture
async def bot_hub(bot_hub_factory: BotHubFactory) -> BotHub:
    return await bot_hub_factory()
