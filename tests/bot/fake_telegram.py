"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the bot.

The real python-telegram-bot `Application` talks to it through the builder's `base_url`.
It serves queued updates through getUpdates, records every call, and rejects what
Telegram rejects, with Telegram's error JSON, so a violation fails the test:

- HTML that Telegram cannot parse: tags other than Telegram's, unbalanced tags, named
  entities other than &lt; &gt; &amp; &quot;, a bare `<`, `>` or `&`;
- text that is empty, or longer than 4,096 UTF-16 code units after entity parsing;
- callback_data outside 1-64 bytes, an edit that changes nothing, a callback query
  answered twice or never issued.

`fail_next(method, retry_after)` makes the next call of a method return 429.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Callable

from aiohttp import web

BOT_ID = 7000000001
BOT_USERNAME = "cardmunk_test_bot"
MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_CHARS = 200

# Tags of Telegram's HTML parse mode (Bot API, "HTML style").
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                 "code", "pre", "blockquote", "tg-emoji"}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Parameters that PTB sends JSON-encoded inside form fields.
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "entities", "link_preview_options",
               "scope", "reply_parameters"}


class TelegramError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(description: str) -> TelegramError:
    return TelegramError(400, f"Bad Request: {description}")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode, strictly: returns the text after entity parsing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        if tag == "span" and attrs != [("class", "tg-spoiler")]:
            raise bad_request('can\'t parse entities: Tag "span" must have class "tg-spoiler"')
        self.open_tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1] != tag:
            raise bad_request(f'can\'t parse entities: Can\'t find end tag corresponding to start tag "{tag}"')
        self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                raise bad_request(f"can't parse entities: Unescaped {char!r} in text")
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise bad_request(f'can\'t parse entities: Unsupported HTML entity "&{name};"')
        self.parts.append(NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        number = int(name[1:], 16) if name[:1] in ("x", "X") else int(name)
        self.parts.append(chr(number))

    def handle_comment(self, data: str) -> None:
        raise bad_request("can't parse entities: comments are not supported")

    def handle_decl(self, decl: str) -> None:
        raise bad_request("can't parse entities: declarations are not supported")

    def handle_pi(self, data: str) -> None:
        raise bad_request("can't parse entities: processing instructions are not supported")

    def unknown_decl(self, data: str) -> None:
        raise bad_request("can't parse entities: declarations are not supported")


def parse_telegram_html(text: str) -> str:
    """Return the text Telegram would show, or raise the Bad Request Telegram would return."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.open_tags:
        raise bad_request(
            f'can\'t parse entities: Can\'t find end tag corresponding to start tag "{parser.open_tags[-1]}"'
        )
    return "".join(parser.parts)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    # Seconds on the event loop's clock when the call arrived.
    at: float
    # 0 while the call is being answered (a long poll waits here), then the HTTP status.
    status: int = 0
    error: str | None = None
    # True when the test asked for this failure (fail_next, fail_next_with).
    injected: bool = False


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: dict[str, Any] | None
    data: dict[str, Any] = field(default_factory=dict)


class FakeTelegram:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.commands: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] | None = None
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id = 1
        self._next_callback_id = 1
        self._open_callback_queries: set[str] = set()
        self._failures: dict[str, list[TelegramError]] = {}
        self._changed = asyncio.Condition()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # Server lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # No access log: request paths contain the token, and tests check the log never does.
        self._runner = web.AppRunner(app, shutdown_timeout=1, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def close(self) -> None:
        self._closing.set()
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # What tests do

    def next_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Return `update` with the next update_id, to queue here or post to a webhook."""
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        return update

    async def queue_update(self, update: dict[str, Any]) -> int:
        """Queue an update (without update_id) for getUpdates; return its update_id."""
        numbered = self.next_update(update)
        async with self._changed:
            self._updates.append(numbered)
            self._changed.notify_all()
        return int(numbered["update_id"])

    def new_callback_query_id(self) -> str:
        query_id = f"cq{self._next_callback_id}"
        self._next_callback_id += 1
        self._open_callback_queries.add(query_id)
        return query_id

    def fail_next(self, method: str, retry_after: int) -> None:
        """Answer the next call of `method` with 429 Too Many Requests."""
        error = TelegramError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        self._failures.setdefault(method, []).append(error)

    def fail_next_with(self, method: str, status: int, description: str) -> None:
        """Answer the next call of `method` with an error, e.g. 502 Bad Gateway."""
        self._failures.setdefault(method, []).append(TelegramError(status, description))

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.status == 200]

    def arrived(self, method: str) -> list[Call]:
        """Calls of `method` received so far, answered or not."""
        return [call for call in self.calls if call.method == method]

    def rejected(self) -> list[Call]:
        """Calls Telegram would have rejected (injected failures excluded)."""
        return [call for call in self.calls if call.status not in (0, 200) and not call.injected]

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def wait_for_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        await self.wait_until(lambda: len(self.calls_of(method)) >= count, timeout)
        return self.calls_of(method)

    # The Bot API

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _read_params(request)
        call = Call(method, params, asyncio.get_running_loop().time())
        await self._record(call)
        if request.match_info["token"] != self.token:
            await self._finish(call, 401, "Unauthorized")
            return _error_response(TelegramError(401, "Unauthorized"))
        try:
            failures = self._failures.get(method)
            if failures:
                call.injected = True
                raise failures.pop(0)
            handler = getattr(self, f"_api_{_snake(method)}", None)
            if handler is None:
                raise TelegramError(404, "Not Found: method not found")
            result = await handler(params)
        except TelegramError as exc:
            await self._finish(call, exc.status, exc.description)
            return _error_response(exc)
        await self._finish(call, 200)
        return web.json_response({"ok": True, "result": result})

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _finish(self, call: Call, status: int, error: str | None = None) -> None:
        async with self._changed:
            call.status, call.error = status, error
            self._changed.notify_all()

    async def _api_get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Cardmunk", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _api_get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        # Updates below the offset are confirmed, so Telegram drops them.
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0 and not self._closing.is_set():
            async with self._changed:
                try:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing.is_set()), timeout
                    )
                except asyncio.TimeoutError:
                    pass
        return self._updates[:limit]

    async def _api_delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _api_set_webhook(self, params: dict[str, Any]) -> bool:
        if not str(params.get("url", "")).startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = params
        return True

    async def _api_set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("command description is invalid")
        self.commands = commands
        return True

    async def _api_get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands

    async def _api_leave_chat(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callback_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > MAX_CALLBACK_ANSWER_CHARS:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        return True

    async def _api_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        html, text = _checked_text(params)
        markup = _checked_markup(params.get("reply_markup"))
        message_id = self._next_message_id
        self._next_message_id += 1
        stored = StoredMessage(chat_id, message_id, html, text, markup)
        stored.data = self._message_json(stored)
        self.messages[(chat_id, message_id)] = stored
        return stored.data

    async def _api_edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        stored = self.messages.get(key)
        if stored is None:
            raise bad_request("message to edit not found")
        html, text = _checked_text(params)
        markup = _checked_markup(params.get("reply_markup"))
        if html == stored.html and markup == stored.reply_markup:
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        stored.html, stored.text, stored.reply_markup = html, text, markup
        stored.data = self._message_json(stored)
        return stored.data

    def _message_json(self, stored: StoredMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": stored.message_id,
            "date": 1710000000,
            "chat": {"id": stored.chat_id, "type": "private", "first_name": "Owner"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Cardmunk", "username": BOT_USERNAME},
            "text": stored.text,
        }
        if stored.reply_markup:
            data["reply_markup"] = stored.reply_markup
        return data


def _checked_text(params: dict[str, Any]) -> tuple[str, str]:
    raw = str(params.get("text", ""))
    parse_mode = params.get("parse_mode")
    if parse_mode == "HTML":
        text = parse_telegram_html(raw)
    elif parse_mode:
        raise bad_request(f"this fake supports parse_mode HTML only, got {parse_mode}")
    else:
        text = raw
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_length(text) > MAX_TEXT_UTF16:
        raise bad_request("message is too long")
    return raw, text


def _checked_markup(markup: Any) -> dict[str, Any] | None:
    if markup is None:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
    return dict(markup)


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Read JSON, form-encoded or multipart parameters; PTB sends nested values as JSON text."""
    if request.content_type == "application/json":
        return dict(await request.json())
    if request.can_read_body:
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = value if isinstance(value, str) else str(value)
            params[key] = json.loads(text) if key in JSON_FIELDS else text
        return params
    return dict(request.query)


def _snake(method: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower()


def _error_response(error: TelegramError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.status)
