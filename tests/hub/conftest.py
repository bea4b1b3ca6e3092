"""Fixtures: a real hub app on a real SQLite file in tmp_path, and tokens of each scope."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient

from hub.app import create_app
from hub.commands.offline import write_transaction
from hub.settings import Settings, load_settings
from hub.tokens import create_token


def make_settings(tmp_path: Path, **sections: dict[str, Any]) -> Settings:
    overrides: dict[str, Any] = {"database.path": tmp_path / "hub.db"}
    for section, values in sections.items():
        for key, value in values.items():
            overrides[f"{section}.{key}"] = value
    return load_settings(None, overrides)


@dataclass
class Hub:
    client: TestClient
    settings: Settings
    tokens: dict[str, str]

    def auth(self, scope: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[scope]}"}

    async def push(self, *items: dict[str, Any], scope: str = "ingest") -> dict[str, Any]:
        response = await self.client.post("/api/v1/interactions", json={"interactions": list(items)},
                                          headers=self.auth(scope))
        assert response.status == 200, await response.text()
        return await response.json()

    async def get(self, path: str, scope: str = "read", **params: Any) -> Any:
        response = await self.client.get(path, params=params, headers=self.auth(scope))
        assert response.status == 200, await response.text()
        return await response.json()


def create_tokens(settings: Settings) -> dict[str, str]:
    with write_transaction(settings) as connection:
        return {scope: create_token(connection, f"test-{scope}", scope) for scope in ("ingest", "read", "admin")}


HubFactory = Callable[..., Awaitable[Hub]]


@pytest.fixture
async def hub_factory(tmp_path: Path, aiohttp_client: Any) -> HubFactory:
    async def start(**sections: dict[str, Any]) -> Hub:
        settings = make_settings(tmp_path, **sections)
        tokens = create_tokens(settings)
        client = await aiohttp_client(create_app(settings))
        return Hub(client, settings, tokens)

    return start


@pytest.fixture
async def hub(hub_factory: HubFactory) -> Hub:
    return await hub_factory(owner={"handles": ["email:me@example.com", "phone:+15550100"]})


def interaction(source_id: str = "m1", **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "source": "email",
        "source_id": source_id,
        "type": "email",
        "occurred_at": "2024-03-08T21:10:00+01:00",
        "subject": "Dinner plans",
        "content": "Shall we have dinner on Friday?",
        "participants": [{"handle": "bob@example.com", "kind": "email", "name": "Bob Example", "role": "from"}],
    }
    item.update(fields)
    return item
