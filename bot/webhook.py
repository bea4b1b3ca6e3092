"""The route Telegram posts updates to in webhook mode, on the hub's own aiohttp app.

This route is not part of the JSON API: it is left out of EXTRA_ROUTES, so the OpenAPI
document and the auth matrix do not list it. It needs no bearer token ("public") because
Telegram authenticates with the secret token set through setWebhook, sent back in the
X-Telegram-Bot-Api-Secret-Token header.
"""

from __future__ import annotations

import hmac
import json

from aiohttp import web
from telegram import Update

from bot.runner import BotRunner
from hub.api.middleware import requires
from hub.errors import BadRequest, Forbidden, error_response

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BOT_RUNNER = web.AppKey("telegram_bot", BotRunner)


@requires("public")
async def receive_update(request: web.Request) -> web.Response:
    runner = request.app[BOT_RUNNER]
    expected = (runner.webhook_secret or "").encode()
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not expected or not hmac.compare_digest(given, expected):
        raise Forbidden(f"missing or wrong {SECRET_HEADER} header")
    if not runner.ready.is_set():
        # Telegram retries a delivery that did not get a 2xx status.
        return error_response(503, "bot_unavailable", "the Telegram bot is starting; retry later",
                              {"Retry-After": "5"})

    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("the body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise BadRequest("the body is not a Telegram update: update_id is missing")

    application = runner.application
    await application.update_queue.put(Update.de_json(data, application.bot))
    return web.json_response({"ok": True})
