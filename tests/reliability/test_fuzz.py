"""Fuzzing: no request gets a 5xx response from the hub, and rejected items write nothing.

Two sources of requests against one real `cardmunk-hub serve` on 127.0.0.1:
- schemathesis generates requests for every operation of the hub's own OpenAPI document;
- hypothesis builds hostile ingestion bodies: wrong types, huge strings, NUL characters,
  duplicate keys, deep nesting, years 1 and 9999, invalid UTF-8.
Afterwards the interactions table holds exactly the items some response reported as
created. The CI run sends about 1,200 requests; `pytest -m slow` sends over 10,000.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bench.hubprocess import HubProcess, create_token, write_config

CI_EXAMPLES_PER_OPERATION = 40
SLOW_EXAMPLES_PER_OPERATION = 500
CI_BODIES = 600
SLOW_BODIES = 4000


@dataclass
class Target:
    hub: HubProcess
    database: Path
    token: str
    session: requests.Session
    statuses: Counter[int] = field(default_factory=Counter)
    created_ids: set[int] = field(default_factory=set)
    server_errors: list[str] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def record(self, method: str, path: str, response: requests.Response, detail: str = "") -> None:
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{method} {path} {detail[:300]} -> {response.status_code}: {response.text[:300]}")
        if method == "POST" and path == "/api/v1/interactions" and response.status_code == 200:
            for result in response.json()["results"]:
                if result["status"] == "created":
                    self.created_ids.add(result["id"])


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    directory = tmp_path_factory.mktemp("fuzz")
    config = write_config(directory / "hub.toml", directory / "hub.db", log_level="WARNING",
                          extra='[owner]\nhandles = ["email:me@example.com"]\nphone_region = "DE"\n')
    token = create_token(config, "admin", "fuzz")
    config.write_text(config.read_text().replace('level = "WARNING"', 'level = "INFO"'))
    hub = HubProcess(config)
    hub.start()
    try:
        with requests.Session() as session:
            yield Target(hub, directory / "hub.db", token, session)
    finally:
        hub.stop()


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck), phases=[Phase.generate])


def run_schemathesis(target: Target, examples: int) -> None:
    schema = schemathesis.openapi.from_url(f"{target.hub.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:
        @fuzz_settings(examples)
        @given(operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(base_url=target.hub.url, headers=target.headers, timeout=60)
            target.record(case.method.upper(), case.path, response,
                          f"path {case.path_parameters!r} query {case.query!r} body {case.body!r}")

        call()


# Hostile ingestion bodies.

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                     st.floats(allow_nan=False), st.text(max_size=40))
_JSON = st.recursive(_SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)), max_leaves=12)
_TIMESTAMPS = st.one_of(
    st.sampled_from(["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00",
                     "9999-12-31T23:59:59-12:00", "1899-12-31T23:59:59Z", "2100-01-01T00:00:00Z",
                     "2024-02-30T10:00:00Z", "2024-03-08T21:10:00", "2024-03-08", "", "now"]),
    st.datetimes().map(lambda moment: moment.isoformat() + "Z"),
    st.integers(),
)
_HUGE = st.sampled_from([10_000, 200_000, 1_000_001]).map(lambda size: "x" * size)
_NASTY_TEXT = st.one_of(st.text(max_size=60), st.just("a\x00b"), _HUGE, st.just("\ud800"[:0] + "\u202e\ufeff"))


def base_item(serial: int) -> dict[str, Any]:
    return {
        "source": "email", "source_id": f"fuzz-{serial}", "type": "email",
        "occurred_at": "2024-03-08T21:10:00+01:00", "subject": "fuzz", "content": "fuzz body",
        "participants": [{"handle": "fuzz@example.com", "kind": "email", "name": "Fuzz", "role": "from"}],
    }


@st.composite
def mutated_item(draw: st.DrawFn) -> dict[str, Any]:
    item = base_item(draw(st.integers(min_value=0, max_value=10**9)))
    fields = list(item) + ["direction", "duration_seconds", "thread_id", "metadata", "unknown"]
    for name in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)):
        item[name] = draw(st.one_of(_JSON, _NASTY_TEXT, _TIMESTAMPS))
    if draw(st.booleans()):
        item["occurred_at"] = draw(_TIMESTAMPS)
    if draw(st.booleans()):
        item["participants"] = draw(st.lists(st.dictionaries(
            st.sampled_from(["handle", "kind", "name", "role", "extra"]), st.one_of(_SCALARS, _NASTY_TEXT),
            max_size=5), max_size=3))
    return item


def deep_metadata(item: dict[str, Any], depth: int) -> bytes:
    """Encode `item` with metadata nested `depth` objects deep (built as text: too deep to dump)."""
    item = {**item, "metadata": {}}
    text = json.dumps(item).replace('"metadata": {}', '"metadata": ' + '{"k": ' * depth + "1" + "}" * depth)
    return text.encode()


def with_duplicate_keys(item: dict[str, Any]) -> bytes:
    """Encode `item` with a second, different `source` and `source_id` at the end."""
    text = json.dumps(item)
    return (text[:-1] + ', "source": "bogus", "source_id": "dup"}').encode()


def invalid_utf8(item: dict[str, Any]) -> bytes:
    return json.dumps(item).replace("fuzz body", "fuzz \udcff body", 1).encode("utf-8", "surrogateescape")


@st.composite
def hostile_body(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(mutated_item(), min_size=1, max_size=5))
    form = draw(st.sampled_from(["batch", "single", "duplicate_keys", "invalid_utf8", "deep", "deep_metadata",
                                 "junk"]))
    if form == "single":
        return json.dumps(items[0]).encode()
    if form == "duplicate_keys":
        return with_duplicate_keys(items[0])
    if form == "invalid_utf8":
        return invalid_utf8(items[0])
    if form == "deep":
        depth = draw(st.sampled_from([100, 5000, 200_000]))
        return b'{"interactions": ' + b"[" * depth + b"]" * depth + b"}"
    if form == "deep_metadata":
        return deep_metadata(items[0], draw(st.sampled_from([10, 500, 3000])))
    if form == "junk":
        return json.dumps({"interactions": draw(_JSON)}).encode()
    return json.dumps({"interactions": items}).encode()


def run_bodies(target: Target, examples: int) -> None:
    url = f"{target.hub.url}/api/v1/interactions"
    headers = {**target.headers, "Content-Type": "application/json"}

    @fuzz_settings(examples)
    @given(hostile_body())
    def post(body: bytes) -> None:
        response = target.session.post(url, data=body, headers=headers, timeout=60)
        target.record("POST", "/api/v1/interactions", response, repr(body[:300]))

    post()


def check_no_rejected_rows(target: Target) -> None:
    with sqlite3.connect(target.database) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM interactions")}
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert stored == target.created_ids


def fuzz(target: Target, examples_per_operation: int, bodies: int, minimum_requests: int) -> None:
    run_schemathesis(target, examples_per_operation)
    run_bodies(target, bodies)

    assert target.server_errors == []
    assert sum(target.statuses.values()) >= minimum_requests, target.statuses
    assert target.statuses[200] > 0, target.statuses
    assert target.statuses[400] > 0, target.statuses
    check_no_rejected_rows(target)


def test_fuzz_gives_no_server_error(target: Target) -> None:
    fuzz(target, CI_EXAMPLES_PER_OPERATION, CI_BODIES, minimum_requests=1000)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_fuzz_ten_thousand_requests(target: Target) -> None:
    fuzz(target, SLOW_EXAMPLES_PER_OPERATION, SLOW_BODIES, minimum_requests=10_000)
