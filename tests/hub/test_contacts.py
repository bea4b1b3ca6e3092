"""Contacts API: list, card, create, rename, handles, merge, delete with erasure."""

import sqlite3
from typing import Any

from tests.hub.conftest import Hub, interaction


def sender(handle: str, name: str | None = None, kind: str = "email") -> list[dict[str, Any]]:
    participant = {"handle": handle, "kind": kind, "role": "from"}
    if name:
        participant["name"] = name
    return [participant]


async def contact_named(hub: Hub, name: str) -> dict[str, Any]:
    contacts = (await hub.get("/api/v1/contacts", q=name))["contacts"]
    assert len(contacts) == 1, contacts
    return contacts[0]


async def test_card_counts_and_dates(hub: Hub) -> None:
    await hub.push(
        interaction("1", occurred_at="2024-01-01T10:00:00Z", participants=sender("bob@example.com", "Bob")),
        interaction("2", source="phone", type="call", occurred_at="2024-02-01T10:00:00Z",
                    participants=sender("+15550142", "Bob", kind="phone")),
    )
    bob = await contact_named(hub, "bob@example.com")
    phone = await contact_named(hub, "+15550142")

    merged = await hub.client.post(f"/api/v1/contacts/{bob['id']}/merge", json={"source_contact_id": phone["id"]},
                                   headers=hub.auth("admin"))
    card = await hub.get(f"/api/v1/contacts/{bob['id']}")

    assert merged.status == 200
    assert card["counts"] == {"by_type": {"email": 1, "call": 1}, "by_source": {"email": 1, "phone": 1}}
    assert card["first_interaction_at"] == "2024-01-01T10:00:00+00:00"
    assert card["last_interaction_at"] == "2024-02-01T10:00:00+00:00"
    assert {h["handle"] for h in card["handles"]} == {"bob@example.com", "+15550142"}
    missing = await hub.client.get(f"/api/v1/contacts/{phone['id']}", headers=hub.auth("read"))
    assert missing.status == 404


async def test_merge_moves_interactions(hub: Hub) -> None:
    await hub.push(interaction("1", participants=sender("a@example.com", "Ann")),
                   interaction("2", participants=sender("ann@work.example", "Ann W")))
    ann = (await hub.get("/api/v1/contacts", q="a@example.com"))["contacts"][0]
    work = (await hub.get("/api/v1/contacts", q="ann@work"))["contacts"][0]

    await hub.client.post(f"/api/v1/contacts/{ann['id']}/merge", json={"source_contact_id": work["id"]},
                          headers=hub.auth("admin"))
    activity = await hub.get(f"/api/v1/contacts/{ann['id']}/interactions")

    assert {hit["source_id"] for hit in activity["interactions"]} == {"1", "2"}


async def test_merge_into_itself_is_409(hub: Hub) -> None:
    await hub.push(interaction("1"))
    bob = await contact_named(hub, "bob")

    response = await hub.client.post(f"/api/v1/contacts/{bob['id']}/merge", json={"source_contact_id": bob["id"]},
                                     headers=hub.auth("admin"))

    assert response.status == 409


async def test_delete_erases_only_their_interactions(hub: Hub) -> None:
    await hub.push(
        interaction("solo", content="CANARY-solo-text", participants=sender("eve@example.com", "Eve")),
        interaction("group", content="shared group text", participants=[
            {"handle": "eve@example.com", "kind": "email", "role": "from"},
            {"handle": "bob@example.com", "kind": "email", "name": "Bob", "role": "to"},
        ]),
    )
    eve = await contact_named(hub, "eve")

    response = await hub.client.delete(f"/api/v1/contacts/{eve['id']}", headers=hub.auth("admin"))
    report = await response.json()

    assert response.status == 200
    assert report == {"deleted": eve["id"], "handles_deleted": 1, "interactions_erased": 1, "interactions_unlinked": 1}
    assert (await hub.get("/api/v1/interactions", q="CANARY"))["interactions"] == []
    assert [h["source_id"] for h in (await hub.get("/api/v1/interactions", q="shared"))["interactions"]] == ["group"]
    with sqlite3.connect(hub.settings.database.path) as connection:
        texts = [row[0] for row in connection.execute("SELECT content FROM interactions")]
        assert texts == ["shared group text"]
        connection.execute("INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')")
        assert connection.execute("SELECT count(*) FROM handles WHERE value = 'eve@example.com'").fetchone()[0] == 0


async def test_create_rename_and_handles(hub: Hub) -> None:
    created = await hub.client.post("/api/v1/contacts", json={
        "name": "Carol", "handles": [{"kind": "phone", "handle": "+1 555 0199"}]}, headers=hub.auth("admin"))
    carol = await created.json()

    renamed = await hub.client.patch(f"/api/v1/contacts/{carol['id']}", json={"name": "Carol Example"},
                                     headers=hub.auth("admin"))
    added = await hub.client.post(f"/api/v1/contacts/{carol['id']}/handles",
                                  json={"kind": "email", "handle": "Carol@Example.com"}, headers=hub.auth("admin"))
    card = await added.json()

    assert created.status == 201
    assert carol["handles"] == [{"id": carol["handles"][0]["id"], "kind": "phone", "handle": "+15550199"}]
    assert (await renamed.json())["name"] == "Carol Example"
    assert {h["handle"] for h in card["handles"]} == {"+15550199", "carol@example.com"}

    await hub.push(interaction("c", participants=sender("carol@example.com", "Someone Else")))
    assert (await hub.get(f"/api/v1/contacts/{carol['id']}"))["interaction_count"] == 1
    assert (await hub.get(f"/api/v1/contacts/{carol['id']}"))["name"] == "Carol Example"


async def test_handle_of_other_contact_is_409(hub: Hub) -> None:
    await hub.push(interaction("1", participants=sender("bob@example.com", "Bob")))
    created = await hub.client.post("/api/v1/contacts", json={"name": "Bobby"}, headers=hub.auth("admin"))
    bobby = await created.json()

    response = await hub.client.post(f"/api/v1/contacts/{bobby['id']}/handles",
                                     json={"kind": "email", "handle": "BOB@example.com"}, headers=hub.auth("admin"))

    assert response.status == 409
    assert "merge" in (await response.json())["error"]["message"]


async def test_remove_handle_detaches_with_interactions(hub: Hub) -> None:
    await hub.push(interaction("1", participants=sender("bob@example.com", "Bob")),
                   interaction("2", participants=sender("family@example.com", "Family")))
    bob = await contact_named(hub, "bob")
    family = await contact_named(hub, "family")
    await hub.client.post(f"/api/v1/contacts/{bob['id']}/merge", json={"source_contact_id": family["id"]},
                          headers=hub.auth("admin"))
    handle_id = next(h["id"] for h in (await hub.get(f"/api/v1/contacts/{bob['id']}"))["handles"]
                     if h["handle"] == "family@example.com")

    response = await hub.client.delete(f"/api/v1/contacts/{bob['id']}/handles/{handle_id}", headers=hub.auth("admin"))
    detached = (await response.json())["new_contact_id"]

    assert response.status == 200
    assert (await hub.get(f"/api/v1/contacts/{detached}"))["name"] == "Family"
    assert (await hub.get(f"/api/v1/contacts/{bob['id']}"))["interaction_count"] == 1
    only = await hub.client.delete(f"/api/v1/contacts/{detached}/handles/{handle_id}", headers=hub.auth("admin"))
    assert only.status == 409


async def test_invalid_bodies_named(hub: Hub) -> None:
    cases = [
        ("POST", "/api/v1/contacts", {"name": ""}, "name"),
        ("POST", "/api/v1/contacts", {"name": "X", "handles": [{"kind": "fax", "handle": "1"}]}, "handles[0].kind"),
        ("POST", "/api/v1/contacts", {"name": "X", "handles": [{"kind": "phone", "handle": "-1"}]}, "handle"),
        ("POST", "/api/v1/contacts", {"name": "X", "handles": [{"kind": "phone", "handle": "030 1234567"}]},
         "set owner.phone_region"),
        ("POST", "/api/v1/contacts", ["not", "object"], "JSON object"),
    ]
    for method, path, body, fragment in cases:
        response = await hub.client.request(method, path, json=body, headers=hub.auth("admin"))
        assert response.status == 400, body
        assert fragment in (await response.json())["error"]["message"]


async def test_list_sort_and_pages(hub: Hub) -> None:
    await hub.push(*[interaction(str(i), occurred_at=f"2024-01-{i + 1:02}T10:00:00Z",
                                 participants=sender(f"p{i}@example.com", f"Person {chr(90 - i)}"))
                     for i in range(7)])

    by_name: list[str] = []
    cursor = None
    while True:
        params = {"sort": "name", "limit": "3", **({"cursor": cursor} if cursor else {})}
        page = await hub.get("/api/v1/contacts", **params)
        by_name.extend(c["name"] for c in page["contacts"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    recent = [c["name"] for c in (await hub.get("/api/v1/contacts", sort="last_interaction"))["contacts"]]

    assert by_name == sorted(by_name)
    assert len(by_name) == 7
    assert recent[0] == "Person T"
    assert recent[-1] == "Person Z"


async def test_contact_search_ignores_accents(hub: Hub) -> None:
    await hub.push(interaction("1", participants=sender("jose@example.com", "José Núñez")))

    assert [c["name"] for c in (await hub.get("/api/v1/contacts", q="nunez"))["contacts"]] == ["José Núñez"]


async def test_owner_handle_cannot_join_contact(hub: Hub) -> None:
    created = await hub.client.post("/api/v1/contacts", json={
        "name": "Me", "handles": [{"kind": "email", "handle": "ME@example.com"}]}, headers=hub.auth("admin"))
    await hub.push(interaction("1", participants=sender("bob@example.com", "Bob")))
    bob = await contact_named(hub, "bob")
    added = await hub.client.post(f"/api/v1/contacts/{bob['id']}/handles",
                                  json={"kind": "phone", "handle": "+1 555 0100"}, headers=hub.auth("admin"))

    assert created.status == 409
    assert "owner.handles" in (await created.json())["error"]["message"]
    assert added.status == 409
    assert [c["name"] for c in (await hub.get("/api/v1/contacts"))["contacts"]] == ["Bob"]


async def test_rejected_edit_is_not_logged_as_error(hub: Hub, caplog: Any) -> None:
    await hub.push(interaction("1"))
    bob = await contact_named(hub, "bob")

    with caplog.at_level("DEBUG"):
        response = await hub.client.post(f"/api/v1/contacts/{bob['id']}/merge",
                                         json={"source_contact_id": bob["id"]}, headers=hub.auth("admin"))

    assert response.status == 409
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
