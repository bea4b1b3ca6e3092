"""The one JSON error shape, and whole-request errors: 400, 404, 405, 413, 415, 503."""

import json
import sqlite3

from hub import keys
from tests.hub.conftest import Hub, HubFactory, interaction


async def test_error_shape_pinned(hub: Hub) -> None:
    response = await hub.client.get("/api/v1/contacts/424242", headers=hub.auth("read"))

    assert response.status == 404
    assert response.content_type == "application/json"
    assert await response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "contact 424242 not found"}
    }


async def _post_raw(hub: Hub, data: bytes, content_type: str = "application/json") -> tuple[int, dict]:
    response = await hub.client.post("/api/v1/interactions", data=data,
                                     headers={**hub.auth("ingest"), "Content-Type": content_type})
    return response.status, await response.json()


async def test_malformed_json_is_400(hub: Hub) -> None:
    status, body = await _post_raw(hub, b'{"interactions": [')

    assert status == 400
    assert body["error"]["code"] == "bad_request"
    assert "not valid JSON" in body["error"]["message"]


async def test_invalid_utf8_is_400(hub: Hub) -> None:
    status, body = await _post_raw(hub, b'{"source": "\xff\xfe"}')

    assert status == 400
    assert "UTF-8" in body["error"]["message"]


async def test_deep_nesting_is_400(hub: Hub) -> None:
    status, body = await _post_raw(hub, b"[" * 100_000 + b"]" * 100_000)

    assert status == 400
    assert "nested too deeply" in body["error"]["message"]


async def test_non_object_body_is_400(hub: Hub) -> None:
    status, body = await _post_raw(hub, b"[1, 2]")

    assert status == 400
    assert "interaction object" in body["error"]["message"]


async def test_batch_extra_key_is_400(hub: Hub) -> None:
    status, body = await _post_raw(hub, json.dumps({"interactions": [], "extra": 1}).encode())

    assert status == 400
    assert "extra" in body["error"]["message"]


async def test_not_json_is_415(hub: Hub) -> None:
    status, body = await _post_raw(hub, b"source=email", "application/x-www-form-urlencoded")

    assert status == 415
    assert body["error"]["code"] == "unsupported_media_type"


async def test_too_many_items_is_413(hub: Hub) -> None:
    items = [interaction(f"i{i}") for i in range(1001)]

    status, body = await _post_raw(hub, json.dumps({"interactions": items}).encode())

    assert status == 413
    assert "1001" in body["error"]["message"]


async def test_body_over_limit_is_413(hub_factory: HubFactory) -> None:
    hub = await hub_factory(server={"max_body_bytes": 2048})

    status, body = await _post_raw(hub, json.dumps(interaction("big", content="x" * 4000)).encode())

    assert status == 413
    assert body["error"]["code"] == "payload_too_large"


async def test_empty_batch_is_ok(hub: Hub) -> None:
    body = await hub.push()

    assert body == {"results": [], "counts": {"created": 0, "duplicate": 0, "invalid": 0}}


async def test_unknown_route_and_method(hub: Hub) -> None:
    missing = await hub.client.get("/api/v1/nothing", headers=hub.auth("read"))
    wrong_method = await hub.client.put("/api/v1/interactions", headers=hub.auth("admin"))

    assert missing.status == 404
    assert (await missing.json())["error"]["code"] == "not_found"
    assert wrong_method.status == 405
    assert (await wrong_method.json())["error"]["code"] == "method_not_allowed"


async def test_bad_path_id_is_400(hub: Hub) -> None:
    response = await hub.client.get("/api/v1/contacts/abc", headers=hub.auth("read"))

    assert response.status == 400
    assert "id" in (await response.json())["error"]["message"]


async def test_disk_full_gives_503_and_keeps_serving(hub: Hub) -> None:
    await hub.push(interaction("before"))
    writer = hub.client.app[keys.DATABASE].writer
    connection = writer._connection  # the writer's own connection: the fault must hit it
    assert connection is not None
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")

    big = [interaction(f"full{i}", content="word " * 2000) for i in range(50)]
    response = await hub.client.post("/api/v1/interactions", json={"interactions": big}, headers=hub.auth("ingest"))

    assert response.status == 503
    assert response.headers["Retry-After"].isdigit()
    assert (await response.json())["error"]["code"] == "storage_unavailable"
    search = await hub.get("/api/v1/interactions")
    assert [hit["source_id"] for hit in search["interactions"]] == ["before"]
    with sqlite3.connect(hub.settings.database.path) as reader:
        assert reader.execute("SELECT count(*) FROM interactions").fetchone()[0] == 1

    connection.execute("PRAGMA max_page_count = 1073741823")
    retry = await hub.push(*big)
    assert retry["counts"]["created"] == 50


async def test_healthz_without_auth(hub: Hub) -> None:
    response = await hub.client.get("/healthz")

    assert response.status == 200
    assert await response.json() == {"status": "ok"}
