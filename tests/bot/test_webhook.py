"""Webhook mode: updates posted to the hub's own route, guarded by the secret token."""

from __future__ import annotations

from typing import Any

from bot.webhook import SECRET_HEADER
from tests.bot import updates
from tests.bot.conftest import WEBHOOK_SECRET, BotHubFactory
from tests.hub.conftest import interaction

PATH = "/telegram/webhook"


async def test_webhook_registered_with_secret(bot_hub_factory: BotHubFactory) -> None:
    bot_hub = await bot_hub_factory(mode="webhook")

    [call] = bot_hub.fake.calls_of("setWebhook")

    assert call.params["url"] == "https://cardmunk.example.com/telegram/webhook"
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert bot_hub.fake.arrived("getUpdates") == []


async def test_webhook_update_answered(bot_hub_factory: BotHubFactory) -> None:
    bot_hub = await bot_hub_factory(mode="webhook")
    await bot_hub.hub.push(interaction("m1"))
    update = bot_hub.fake.next_update(updates.message("/search dinner"))

    response = await bot_hub.hub.client.post(PATH, json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
    [reply] = await bot_hub.fake.wait_for_calls("sendMessage")

    assert response.status == 200
    assert "<b>Dinner</b>" in reply.params["text"]


async def _post(bot_hub: Any, headers: dict[str, str], body: Any) -> tuple[int, Any]:
    response = await bot_hub.hub.client.post(PATH, json=body, headers=headers)
    return response.status, await response.json()


async def test_webhook_wrong_or_missing_secret(bot_hub_factory: BotHubFactory) -> None:
    bot_hub = await bot_hub_factory(mode="webhook")
    update = bot_hub.fake.next_update(updates.message("/help"))

    wrong = await _post(bot_hub, {SECRET_HEADER: WEBHOOK_SECRET + "x"}, update)
    missing = await _post(bot_hub, {}, update)
    empty = await _post(bot_hub, {SECRET_HEADER: ""}, update)
    accepted = await _post(bot_hub, {SECRET_HEADER: WEBHOOK_SECRET}, bot_hub.fake.next_update(updates.message("/help")))
    await bot_hub.fake.wait_for_calls("sendMessage")

    for status, body in (wrong, missing, empty):
        assert status == 403
        assert body["error"]["code"] == "forbidden"
        assert body["error"]["status"] == 403
        assert SECRET_HEADER in body["error"]["message"]
    assert accepted[0] == 200
    assert len(bot_hub.fake.calls_of("sendMessage")) == 1


async def test_webhook_rejects_non_update(bot_hub_factory: BotHubFactory) -> None:
    bot_hub = await bot_hub_factory(mode="webhook")

    status, body = await _post(bot_hub, {SECRET_HEADER: WEBHOOK_SECRET}, {"hello": "world"})
    raw = await bot_hub.hub.client.post(PATH, data=b"{not json", headers={SECRET_HEADER: WEBHOOK_SECRET})

    assert (status, body["error"]["code"]) == (400, "bad_request")
    assert raw.status == 400


async def test_webhook_route_not_in_openapi(bot_hub_factory: BotHubFactory) -> None:
    bot_hub = await bot_hub_factory(mode="webhook")

    document = await bot_hub.hub.get("/api/v1/openapi.json")

    assert PATH not in document["paths"]


async def test_polling_mode_has_no_webhook_route(bot_hub_factory: BotHubFactory) -> None:
    bot_hub = await bot_hub_factory()

    response = await bot_hub.hub.client.post(PATH, json={}, headers={SECRET_HEADER: WEBHOOK_SECRET})

    assert response.status == 404
