import asyncio
import json
import sqlite3
from typing import Any

import pytest

from hub.contacts.handles import MissingRegion
from hub.ingest.validate import OwnerHandles
from tests.hub.conftest import Hub, interaction


async def test_batch_creates_each_item(hub: Hub) -> None:
    body = await hub.push(interaction("a"), interaction("b"), interaction("c"))

    assert body["counts"] == {"created": 3, "duplicate": 0, "invalid": 0}
    assert [r["status"] for r in body["results"]] == ["created"] * 3
    assert [r["index"] for r in body["results"]] == [0, 1, 2]
    assert len({r["id"] for r in body["results"]}) == 3


async def test_single_object_body_accepted(hub: Hub) -> None:
    response = await hub.client.post("/api/v1/interactions", json=interaction("solo"), headers=hub.auth("ingest"))

    body = await response.json()
    assert response.status == 200
    assert body["counts"]["created"] == 1


async def test_repush_is_duplicate_and_changes_nothing(hub: Hub) -> None:
    first = await hub.push(interaction("a", content="original text"))
    second = await hub.push(interaction("a", content="changed text"), interaction("b"))

    assert second["results"][0] == {"index": 0, "status": "duplicate"}
    assert second["results"][1]["status"] == "created"
    stored = await hub.get(f"/api/v1/interactions/{first['results'][0]['id']}")
    assert stored["content"] == "original text"


async def test_concurrent_repush_creates_once(hub: Hub) -> None:
    items = [interaction(f"c{i}") for i in range(200)]

    first, second = await asyncio.gather(hub.push(*items), hub.push(*items))

    assert first["counts"]["created"] + second["counts"]["created"] == 200
    assert first["counts"]["duplicate"] + second["counts"]["duplicate"] == 200
    with sqlite3.connect(hub.settings.database.path) as connection:
        assert connection.execute("SELECT count(*) FROM interactions").fetchone()[0] == 200


async def test_same_source_id_other_source_is_distinct(hub: Hub) -> None:
    body = await hub.push(interaction("x1"), interaction("x1", source="whatsapp", type="message"))

    assert body["counts"]["created"] == 2


async def test_valid_items_stored_beside_invalid(hub: Hub) -> None:
    body = await hub.push(interaction("ok"), {"source": "email"}, interaction("ok2"))

    assert [r["status"] for r in body["results"]] == ["created", "invalid", "created"]
    with sqlite3.connect(hub.settings.database.path) as connection:
        assert connection.execute("SELECT count(*) FROM interactions").fetchone()[0] == 2


INVALID_CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"source": "fax"}, "source", "'fax'"),
    ({"source_id": ""}, "source_id", "at least 1"),
    ({"source_id": "x" * 513}, "source_id", "at most 512"),
    ({"type": "letter"}, "type", "'letter'"),
    ({"occurred_at": "2024-03-08T21:10:00"}, "occurred_at", "offset"),
    ({"occurred_at": "yesterday"}, "occurred_at", "'yesterday'"),
    ({"occurred_at": "0001-01-01T00:00:00Z"}, "occurred_at", "between"),
    ({"occurred_at": "9999-12-31T00:00:00Z"}, "occurred_at", "between"),
    ({"direction": "sideways"}, "direction", "'sideways'"),
    ({"duration_seconds": -5}, "duration_seconds", "greater than or equal"),
    ({"duration_seconds": "long"}, "duration_seconds", "integer"),
    ({"content": "nul\x00byte"}, "content", "NUL"),
    ({"subject": 42}, "subject", "string"),
    ({"thread_id": ""}, "thread_id", "at least 1"),
    ({"participants": "bob"}, "participants", "list"),
    ({"participants": [{"handle": "bob@example.com", "kind": "fax"}]}, "participants[0].kind", "'fax'"),
    ({"participants": [{"handle": "bob@example.com", "kind": "email", "role": "bcc"}]}, "participants[0].role", "'bcc'"),
    ({"participants": [{"kind": "email"}]}, "participants[0].handle", "required"),
    ({"participants": [{"handle": "-1", "kind": "phone"}]}, "participants[0].handle", "phone number"),
    ({"participants": [{"handle": "030 1234567", "kind": "phone"}]}, "participants[0].handle", "set owner.phone_region"),
    ({"participants": [{"handle": "bob.example.com", "kind": "email"}]}, "participants[0].handle", "email"),
    ({"metadata": {"blob": "x" * 20000}}, "metadata", "at most"),
    ({"metadata": [1, 2]}, "metadata", "dictionary"),
    ({"colour": "blue"}, "colour", "not a known field"),
]


@pytest.mark.parametrize(("change", "field", "fragment"), INVALID_CASES)
async def test_invalid_item_names_field(hub: Hub, change: dict[str, Any], field: str, fragment: str) -> None:
    item = interaction("bad")
    item.update(change)

    body = await hub.push(item)

    result = body["results"][0]
    assert result["status"] == "invalid"
    fields = [error["field"] for error in result["errors"]]
    assert field in fields
    message = next(error["message"] for error in result["errors"] if error["field"] == field)
    assert fragment in message


@pytest.mark.parametrize("field", ["source", "source_id", "type", "occurred_at"])
async def test_missing_required_field(hub: Hub, field: str) -> None:
    item = interaction("m")
    del item[field]

    body = await hub.push(item)

    assert body["results"][0]["errors"] == [{"field": field, "message": "is required"}]


async def test_item_not_object_is_invalid(hub: Hub) -> None:
    body = await hub.push(interaction("a"), [1, 2], "text")  # type: ignore[arg-type]

    assert [r["status"] for r in body["results"]] == ["created", "invalid", "invalid"]
    assert body["results"][1]["errors"][0]["message"] == "must be a JSON object, got an array"


async def test_errors_never_echo_content(hub: Hub) -> None:
    secret = "CANARY-private-words"
    body = await hub.push(interaction("s", content=secret + "\x00", subject=secret * 200,
                                      participants=[{"handle": secret, "kind": "phone"}]))

    assert secret not in str(body)


async def test_owner_handle_is_not_a_contact_and_sets_direction(hub: Hub) -> None:
    outbound = interaction("out", participants=[
        {"handle": "ME@example.com", "kind": "email", "role": "from"},
        {"handle": "carol@example.com", "kind": "email", "name": "Carol", "role": "to"},
    ])
    inbound = interaction("in", participants=[
        {"handle": "carol@example.com", "kind": "email", "role": "from"},
        {"handle": "+1 555 0100", "kind": "phone", "role": "to"},
    ])

    body = await hub.push(outbound, inbound)

    contacts = (await hub.get("/api/v1/contacts"))["contacts"]
    assert [c["name"] for c in contacts] == ["Carol"]
    first = await hub.get(f"/api/v1/interactions/{body['results'][0]['id']}")
    second = await hub.get(f"/api/v1/interactions/{body['results'][1]['id']}")
    assert first["direction"] == "outbound"
    assert second["direction"] == "inbound"


async def test_handles_link_to_one_contact(hub: Hub) -> None:
    await hub.push(
        interaction("1", participants=[{"handle": "Bob@Example.com", "kind": "email", "role": "from"}]),
        interaction("2", participants=[{"handle": "bob@example.com", "kind": "email", "name": "Bob", "role": "from"}]),
    )

    contacts = (await hub.get("/api/v1/contacts"))["contacts"]
    assert len(contacts) == 1
    assert contacts[0]["name"] == "Bob"
    assert contacts[0]["interaction_count"] == 2
    assert contacts[0]["handles"][0]["handle"] == "bob@example.com"


async def test_timestamps_keep_offset(hub: Hub) -> None:
    body = await hub.push(interaction("t", occurred_at="2024-03-08T21:10:00+01:00"))

    stored = await hub.get(f"/api/v1/interactions/{body['results'][0]['id']}")
    assert stored["occurred_at"] == "2024-03-08T21:10:00+01:00"


def test_owner_phone_without_region_names_setting() -> None:
    with pytest.raises(MissingRegion, match="set owner.phone_region"):
        OwnerHandles(["phone:030 1234567"], None)


async def test_same_key_twice_in_batch(hub: Hub) -> None:
    body = await hub.push(interaction("d", content="first"), interaction("d", content="second"))

    assert [r["status"] for r in body["results"]] == ["created", "duplicate"]
    stored = await hub.get(f"/api/v1/interactions/{body['results'][0]['id']}")
    assert stored["content"] == "first"


async def test_bare_handle_takes_first_name(hub: Hub) -> None:
    def by(name: str | None, source_id: str) -> dict[str, Any]:
        participant = {"handle": "dana@example.com", "kind": "email", "role": "from"}
        if name is not None:
            participant["name"] = name
        return interaction(source_id, participants=[participant])

    await hub.push(by(None, "1"))
    bare = (await hub.get("/api/v1/contacts"))["contacts"]
    await hub.push(by(None, "2"), by("Dana", "3"), by("Other", "4"))
    named = (await hub.get("/api/v1/contacts"))["contacts"]

    assert [c["name"] for c in bare] == ["dana@example.com"]
    assert [c["name"] for c in named] == ["Dana"]
    assert named[0]["interaction_count"] == 4


async def test_new_handles_in_batch_get_contacts(hub: Hub) -> None:
    body = await hub.push(
        interaction("1", participants=[{"handle": "erin@example.com", "kind": "email"},
                                       {"handle": "+1 555 0101", "kind": "phone", "name": "Finn"}]),
        interaction("2", participants=[{"handle": "erin@example.com", "kind": "email", "name": "Erin"},
                                       {"handle": "+15550101", "kind": "phone"}]),
    )

    contacts = (await hub.get("/api/v1/contacts"))["contacts"]
    assert body["counts"]["created"] == 2
    assert sorted(c["name"] for c in contacts) == ["Erin", "Finn"]
    assert [c["interaction_count"] for c in contacts] == [2, 2]
    first = await hub.get(f"/api/v1/interactions/{body['results'][0]['id']}")
    assert len(first["participants"]) == 2


async def test_stored_key_is_duplicate_before_validation(hub: Hub) -> None:
    await hub.push(interaction("k"))

    body = await hub.push(interaction("k", type="letter"), interaction("k2", type="letter"),
                          interaction("", type="letter"), interaction("k"))

    assert [r["status"] for r in body["results"]] == ["duplicate", "invalid", "invalid", "duplicate"]
    assert body["counts"] == {"created": 0, "duplicate": 2, "invalid": 2}
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3]


async def test_invalid_key_is_invalid_not_duplicate(hub: Hub) -> None:
    await hub.push(interaction("k"))

    body = await hub.push(interaction("k", source="fax"), interaction("k\x00"))

    assert [r["status"] for r in body["results"]] == ["invalid", "invalid"]


async def test_integers_beyond_64_bits_stay_exact(hub: Hub) -> None:
    big = 123456789012345678901234567890
    body = await hub.push(interaction("big", duration_seconds=big), interaction("meta", metadata={"n": big}))

    message = body["results"][0]["errors"][0]["message"]
    assert f"got {big}" in message
    assert body["results"][1]["status"] == "created"
    with sqlite3.connect(hub.settings.database.path) as connection:
        stored = connection.execute("SELECT metadata FROM interactions WHERE source_id = 'meta'").fetchone()[0]
    assert stored == f'{{"n":{big}}}'


async def test_body_orjson_rejects_still_parsed(hub: Hub) -> None:
    item = interaction("nan", metadata={"ratio": "NAN_HERE"})
    raw = json.dumps({"interactions": [item]}).replace('"NAN_HERE"', "NaN")

    response = await hub.client.post("/api/v1/interactions", data=raw, headers={
        **hub.auth("ingest"), "Content-Type": "application/json"})

    body = await response.json()
    assert response.status == 200
    assert body["counts"]["created"] == 1
