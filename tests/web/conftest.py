"""Fixtures: a real hub with the web page on a real SQLite file, and a logged-in client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from hub.app import create_app
from hub.settings import Settings
from hub.web.keys import LOGIN_THROTTLE
from hub.web.settings import PASSWORD_ENVIRONMENT_VARIABLE
from hub.web.throttle import LoginThrottle
from tests.hub.conftest import create_tokens, make_settings

PASSWORD = "correct horse battery staple"
OWNER_HANDLES = ["email:me@example.com", "phone:+15550100"]
_CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


class FakeClock:
    """A monotonic clock in seconds that tests move forward by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class WebHub:
    client: TestClient
    settings: Settings
    tokens: dict[str, str]
    clock: FakeClock

    def auth(self, scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[scope]}"}

    async def push(self, *items: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post("/api/v1/interactions", json={"interactions": list(items)},
                                          headers=self.auth("ingest"))
        assert response.status == 200, await response.text()
        return await response.json()

    async def login_form_token(self) -> str:
        response = await self.client.get("/login", allow_redirects=False)
        assert response.status == 200, "already logged in"
        return csrf_token(await response.text())

    async def login(self, secret: str = PASSWORD, next_path: str = "/") -> ClientResponse:
        token = await self.login_form_token()
        return await self.client.post("/login", data={"csrf": token, "secret": secret, "next": next_path},
                                      allow_redirects=False)

    async def page(self, path: str, **params: str) -> tuple[int, str]:
        response = await self.client.get(path, params=params, allow_redirects=False)
        return response.status, await response.text()

    async def csrf(self, path: str = "/") -> str:
        """The CSRF token of the logged-in session, read from a page's logout form."""
        status, html = await self.page(path)
        assert status == 200, html
        return csrf_token(html)

    async def contact_id(self, handle: str) -> int:
        response = await self.client.get("/api/v1/contacts", params={"q": handle}, headers=self.auth("read"))
        contacts = (await response.json())["contacts"]
        assert len(contacts) == 1, contacts
        return int(contacts[0]["id"])


def csrf_token(html: str) -> str:
    match = _CSRF_FIELD.search(html)
    assert match is not None, "no CSRF field in the page"
    return match.group(1)


WebHubFactory = Callable[..., Awaitable[WebHub]]


@pytest.fixture
async def web_hub_factory(tmp_path: Path, aiohttp_client: Any,
                          monkeypatch: pytest.MonkeyPatch) -> WebHubFactory:
    async def start(password: str | None = PASSWORD, **sections: dict[str, Any]) -> WebHub:
        if password is None:
            monkeypatch.delenv(PASSWORD_ENVIRONMENT_VARIABLE, raising=False)
        else:
            monkeypatch.setenv(PASSWORD_ENVIRONMENT_VARIABLE, password)
        sections.setdefault("owner", {"handles": OWNER_HANDLES, "timezone": "Europe/Berlin"})
        settings = make_settings(tmp_path, **sections)
        tokens = create_tokens(settings)
        app = create_app(settings)
        clock = FakeClock()
        if settings.web.enabled:
            app[LOGIN_THROTTLE] = LoginThrottle(clock=clock)
        client = await aiohttp_client(app)
        return WebHub(client, settings, tokens, clock)

    return start


@pytest.fixture
async def web_hub(web_hub_factory: WebHubFactory) -> WebHub:
    return await web_hub_factory()


@pytest.fixture
async def logged_in(web_hub: WebHub) -> WebHub:
    response = await web_hub.login()
    assert response.status == 303, await response.text()
    return web_hub


def message(source_id: str, when: str, text: str, handle: str, name: str, *, source: str = "whatsapp",
            kind: str = "phone", type_: str = "message", subject: str | None = None,
            direction: str = "inbound", **fields: Any) -> dict[str, Any]:
    """An interaction item with one other participant."""
    item: dict[str, Any] = {
        "source": source,
        "source_id": source_id,
        "type": type_,
        "occurred_at": when,
        "direction": direction,
        "content": text,
        "participants": [{"handle": handle, "kind": kind, "name": name,
                          "role": "from" if direction == "inbound" else "to"}],
    }
    if subject is not None:
        item["subject"] = subject
    item.update(fields)
    return item
