"""HTTP client for the hub's ingestion API, `POST /api/v1/interactions`.

One call of `HubClient.push` sends one batch and returns the hub's result for each item.
Connection errors, timeouts and the statuses in `RETRYABLE_STATUSES` are retried with
backoff; 401 and 403 raise `HubAuthError`, 413 raises `BatchTooLarge` (the caller splits
the batch), and any other error status raises `HubRequestError` at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Literal

import aiohttp
from pydantic import BaseModel, ValidationError

from bridges.core.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after

logger = logging.getLogger(__name__)

INGEST_PATH = "/api/v1/interactions"
# The bound only catches a hub that stopped responding: a batch of 1,000 items with
# full-text indexing is expected to take seconds, not minutes.
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=300, connect=30)

Sleep = Callable[[float], Awaitable[None]]


class HubError(Exception):
    """The hub did not accept a batch; the run cannot go on."""


class HubAuthError(HubError):
    """The hub rejected the token (401) or its scope (403)."""


class HubRequestError(HubError):
    """The hub responded with an error status that retrying will not change."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class BatchTooLarge(HubRequestError):
    """The hub responded 413 because the request body exceeds its limit."""


class HubUnavailable(HubError):
    """The hub could not be reached or stayed busy for every attempt."""


class HubProtocolError(HubError):
    """The hub responded 200 with a body that is not the documented result shape."""


class ItemResult(BaseModel):
    """The hub's verdict on one item of a batch."""

    index: int
    status: Literal["created", "duplicate", "invalid"]
    id: int | None = None
    errors: list[dict[str, Any]] = []


class BatchResponse(BaseModel):
    results: list[ItemResult]
    counts: dict[str, int] = {}


@dataclass
class _Attempt:
    """The outcome of a failed attempt, for the retry loop and the final error."""

    description: str
    retry_after: float | None = None
    # Nothing accepted the connection: no hub listens at the URL, or the host cannot be reached.
    unreachable: bool = False


@dataclass
class HubClient:
    """Pushes batches to one hub with one token. Use as an async context manager."""

    hub_url: str
    token: str = field(repr=False)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep = asyncio.sleep
    random: Callable[[], float] = random.random
    _session: aiohttp.ClientSession | None = field(default=None, init=False, repr=False)

    async def __aenter__(self) -> HubClient:
        self._session = aiohttp.ClientSession(
            timeout=REQUEST_TIMEOUT,
            headers={"Authorization": f"Bearer {self.token}", "User-Agent": "cardmunk-bridge"},
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def push(self, items: list[dict[str, Any]]) -> list[ItemResult]:
        """Send one batch and return one result per item, ordered by index."""
        body = json.dumps({"interactions": items}, ensure_ascii=False).encode()
        last = _Attempt("no attempt made (max_attempts is below 1)")
        for attempt in range(1, self.policy.max_attempts + 1):
            if attempt > 1:
                delay = self.policy.delay(attempt - 1, last.retry_after, self.random)
                logger.warning(
                    "hub %s: %s; retrying in %.1f s (attempt %d of %d)",
                    self.hub_url, last.description, delay, attempt, self.policy.max_attempts,
                )
                await self.sleep(delay)
            outcome = await self._attempt(body)
            if isinstance(outcome, list):
                return _checked(outcome, len(items))
            last = outcome

        message = (
            f"the hub at {self.hub_url} did not accept the batch after "
            f"{self.policy.max_attempts} attempts; last error: {last.description}"
        )
        if last.unreachable:
            message += (
                f". Is the hub running at {self.hub_url}? "
                "Start it with `cardmunk-hub serve`, or pass --hub with its URL"
            )
        raise HubUnavailable(message)

    async def _attempt(self, body: bytes) -> list[ItemResult] | _Attempt:
        """Send the body once; return results, or what went wrong when it may be retried."""
        if self._session is None:
            raise RuntimeError("HubClient is used outside `async with`")
        try:
            async with self._session.post(
                self.hub_url + INGEST_PATH, data=body, headers={"Content-Type": "application/json"}
            ) as response:
                if response.status == 200:
                    return await _read_results(response)
                description = await _describe_error(response)
                if response.status in RETRYABLE_STATUSES:
                    return _Attempt(description, parse_retry_after(response.headers.get("Retry-After")))
                raise _error_for(response.status, description, self.hub_url)
        except aiohttp.ClientSSLError as exc:
            # The connection was accepted and only TLS failed, so a hub may be running there.
            return _Attempt(f"connection failed ({type(exc).__name__}: {exc})")
        except aiohttp.ClientConnectorError as exc:
            return _Attempt(_describe_connect_failure(exc), unreachable=True)
        except aiohttp.ConnectionTimeoutError:
            return _Attempt(f"connecting timed out after {REQUEST_TIMEOUT.connect:.0f} s", unreachable=True)
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            return _Attempt(f"connection failed ({type(exc).__name__}: {exc})")
        except asyncio.TimeoutError:
            return _Attempt(f"timed out after {REQUEST_TIMEOUT.total:.0f} s")


def _describe_connect_failure(exc: aiohttp.ClientConnectorError) -> str:
    if isinstance(exc.os_error, ConnectionRefusedError):
        return "connection refused"
    return f"connection failed ({type(exc).__name__}: {exc})"


async def _read_results(response: aiohttp.ClientResponse) -> list[ItemResult]:
    try:
        payload = await response.json(content_type=None)
        return BatchResponse.model_validate(payload).results
    except (ValueError, ValidationError) as exc:
        raise HubProtocolError(f"the hub responded 200 with an invalid body: {exc}") from exc


def _checked(results: list[ItemResult], expected: int) -> list[ItemResult]:
    ordered = sorted(results, key=lambda result: result.index)
    if [result.index for result in ordered] != list(range(expected)):
        raise HubProtocolError(
            f"the hub returned results for indexes {[r.index for r in ordered][:10]}..., "
            f"expected one result for each of {expected} items"
        )
    return ordered


async def _describe_error(response: aiohttp.ClientResponse) -> str:
    """Return `503 unavailable: message` from the hub's error body, or the HTTP reason."""
    text = await response.text(errors="replace")
    try:
        error = json.loads(text)["error"]
        return f"{response.status} {error.get('code', '')}: {error.get('message', '')}".strip()
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"{response.status} {response.reason or ''}".strip()


def _error_for(status: int, description: str, hub_url: str) -> HubError:
    if status == 401:
        return HubAuthError(
            f"the hub at {hub_url} rejected the token ({description}); "
            "check CARDMUNK_TOKEN or create a token with `cardmunk-hub token create --scope ingest`"
        )
    if status == 403:
        return HubAuthError(
            f"the hub at {hub_url} rejected the token's scope ({description}); "
            "use a token with the ingest scope"
        )
    if status == 413:
        return BatchTooLarge(f"the hub rejected the batch as too large ({description})", status)
    return HubRequestError(f"the hub at {hub_url} rejected the batch ({description})", status)
