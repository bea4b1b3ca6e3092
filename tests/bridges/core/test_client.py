"""The hub client against a real aiohttp server on 127.0.0.1: retries, errors, results."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bridges.core.client import (
    BatchTooLarge,
    HubAuthError,
    HubClient,
    HubProtocolError,
    HubRequestError,
    HubUnavailable,
)
from bridges.core.retry import RetryPolicy
from tests.bridges.core.hubstub import INVALID_FLAG, TOKEN, HubStub, Scripted
from tests.bridges.core.jsonl_reader import make_item

# A draw of 0.5 makes each jittered wait half of its exponential bound.
HALF = 0.5


class Sleeps:
    """An injected sleep that records the requested waits and returns at once."""

    def __init__(self) -> None:
        self.requested: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.requested.append(seconds)


def url_of(server: TestServer) -> str:
    return f"http://{server.host}:{server.port}"


async def push(url: str, items: list[dict[str, Any]], sleeps: Sleeps, token: str = TOKEN, **policy: Any) -> Any:
    client = HubClient(url, token, policy=RetryPolicy(**policy), sleep=sleeps, random=lambda: HALF)
    async with client:
        return await client.push(items)


async def test_push_reads_item_results(aiohttp_server: Any) -> None:
    hub = HubStub()
    server = await aiohttp_server(hub.app())
    hub.stored[("signal", "test-2")] = make_item(2)
    items = [make_item(1), make_item(2), make_item(3, metadata={INVALID_FLAG: True})]

    results = await push(url_of(server), items, Sleeps())

    assert [result.status for result in results] == ["created", "duplicate", "invalid"]
    assert results[0].id is not None
    assert results[2].errors == [{"field": "metadata", "message": "flagged invalid by the test"}]


async def test_503_and_429_honour_retry_after(aiohttp_server: Any) -> None:
    hub = HubStub(script=[Scripted(503, retry_after="7"), Scripted(429, retry_after="2")])
    server = await aiohttp_server(hub.app())
    sleeps = Sleeps()

    results = await push(url_of(server), [make_item(1)], sleeps)

    assert [result.status for result in results] == ["created"]
    assert len(hub.requests) == 3
    # Retry-After is the minimum wait; the jittered backoff (0.25 s, 0.5 s) is below it.
    assert sleeps.requested == [7.0, 2.0]


async def test_retry_after_capped(aiohttp_server: Any) -> None:
    hub = HubStub(script=[Scripted(503, retry_after="86400")])
    server = await aiohttp_server(hub.app())
    sleeps = Sleeps()

    await push(url_of(server), [make_item(1)], sleeps, max_retry_after=30.0)

    assert sleeps.requested == [30.0]


async def test_dropped_connections_back_off_exponentially(aiohttp_server: Any) -> None:
    hub = HubStub(script=[Scripted(drop=True), Scripted(drop=True), Scripted(drop=True)])
    server = await aiohttp_server(hub.app())
    sleeps = Sleeps()

    results = await push(url_of(server), [make_item(1)], sleeps, base_delay=1.0)

    assert [result.status for result in results] == ["created"]
    assert len(hub.requests) == 4
    assert sleeps.requested == [0.5, 1.0, 2.0]
    assert list(hub.stored) == [("signal", "test-1")]


async def test_backoff_capped_at_max_delay(aiohttp_server: Any) -> None:
    hub = HubStub(script=[Scripted(502)] * 5)
    server = await aiohttp_server(hub.app())
    sleeps = Sleeps()

    await push(url_of(server), [make_item(1)], sleeps, base_delay=1.0, max_delay=4.0)

    assert sleeps.requested == [0.5, 1.0, 2.0, 2.0, 2.0]


async def test_gives_up_after_max_attempts(aiohttp_server: Any) -> None:
    hub = HubStub(script=[Scripted(503)] * 10)
    server = await aiohttp_server(hub.app())
    sleeps = Sleeps()

    with pytest.raises(HubUnavailable) as raised:
        await push(url_of(server), [make_item(1)], sleeps, max_attempts=4)

    assert len(hub.requests) == 4
    assert len(sleeps.requested) == 3
    assert "after 4 attempts" in str(raised.value)
    assert "503" in str(raised.value)
    assert "Is the hub running" not in str(raised.value)
    assert hub.stored == {}


async def test_unreachable_hub_retried_then_fails(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    sleeps = Sleeps()
    caplog.set_level("WARNING", logger="bridges")

    with pytest.raises(HubUnavailable) as raised:
        await push(url, [make_item(1)], sleeps, max_attempts=3)

    assert len(sleeps.requested) == 2
    assert "last error: connection refused" in str(raised.value)
    assert f"Is the hub running at {url}? Start it with `cardmunk-hub serve`, or pass --hub" in str(raised.value)
    assert f"hub {url}: connection refused; retrying" in caplog.text


async def test_401_not_retried(aiohttp_server: Any) -> None:
    hub = HubStub()
    server = await aiohttp_server(hub.app())
    sleeps = Sleeps()

    with pytest.raises(HubAuthError) as raised:
        await push(url_of(server), [make_item(1)], sleeps, token="wrong-token")

    assert len(hub.requests) == 1
    assert sleeps.requested == []
    assert "401" in str(raised.value)
    assert "wrong-token" not in str(raised.value)


@pytest.mark.parametrize(("status", "error"), [(403, HubAuthError), (400, HubRequestError), (415, HubRequestError)])
async def test_client_errors_not_retried(aiohttp_server: Any, status: int, error: type[Exception]) -> None:
    hub = HubStub(script=[Scripted(status)])
    server = await aiohttp_server(hub.app())
    sleeps = Sleeps()

    with pytest.raises(error) as raised:
        await push(url_of(server), [make_item(1)], sleeps)

    assert len(hub.requests) == 1
    assert sleeps.requested == []
    assert f"{status} scripted: scripted {status}" in str(raised.value)


async def test_413_raises_batch_too_large(aiohttp_server: Any) -> None:
    hub = HubStub(max_body_bytes=10)
    server = await aiohttp_server(hub.app())

    with pytest.raises(BatchTooLarge):
        await push(url_of(server), [make_item(1)], Sleeps())

    assert len(hub.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        {"results": [{"index": 0, "status": "stored"}]},
        {"results": []},
        {"results": [{"index": 0, "status": "created"}, {"index": 0, "status": "created"}]},
    ],
)
async def test_unexpected_200_body_raises(aiohttp_server: Any, body: Any) -> None:
    async def respond(request: web.Request) -> web.Response:
        if isinstance(body, str):
            return web.Response(text=body)
        return web.json_response(body)

    app = web.Application()
    app.router.add_post("/api/v1/interactions", respond)
    server = await aiohttp_server(app)

    with pytest.raises(HubProtocolError):
        await push(url_of(server), [make_item(1)], Sleeps())
