"""Scores API through the real app: ranking, fading, breakdown, contact sort, edits."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

import pytest

from hub import keys
from hub.scores.api import SCORES
from hub.scores.model import ScoreModel
from hub.scores.queries import current_scores
from hub.scores.settings import ScoresSettings
from tests.hub.conftest import Hub, interaction

NOW = int(datetime(2024, 6, 15, 12, tzinfo=timezone.utc).timestamp())
DAY = 86_400
MODEL = ScoreModel(ScoresSettings())


def at(days_ago: float, minutes: float = 0) -> str:
    return datetime.fromtimestamp(NOW - days_ago * DAY + minutes * 60, timezone.utc).isoformat()


def person(handle: str, name: str) -> list[dict[str, Any]]:
    return [{"handle": handle, "kind": "phone", "name": name, "role": "from"}]


def item(source_id: str, type_: str, when: str, handle: str, name: str, **fields: Any) -> dict[str, Any]:
    source = {"message": "whatsapp", "meeting": "meeting", "email": "email"}.get(type_, "phone")
    return interaction(source_id, source=source, type=type_, occurred_at=when, participants=person(handle, name),
                       **fields)


@pytest.fixture
async def scored(hub: Hub) -> Hub:
    hub.client.app[SCORES].clock = lambda: NOW
    return hub


async def contact_id(hub: Hub, name: str) -> int:
    contacts = (await hub.get("/api/v1/contacts", q=name))["contacts"]
    assert len(contacts) == 1, contacts
    return int(contacts[0]["id"])


async def test_ranked_order_and_values(scored: Hub) -> None:
    await scored.push(
        item("m1", "meeting", at(2), "+15550001", "Alice"),
        item("e1", "email", at(1), "+15550002", "Bob"),
        *[item(f"w{n}", "message", at(0.5, minutes=5 * n), "+15550003", "Carol", thread_id="chat-carol")
          for n in range(3)],
    )

    body = await scored.get("/api/v1/scores")

    names = [entry["name"] for entry in body["scores"]]
    assert names == ["Alice", "Bob", "Carol"]
    assert body["as_of"] == "2024-06-15T12:00:00+00:00"
    alice, bob, carol = body["scores"]
    assert alice["score"] == pytest.approx(5.0 * MODEL.decay(2 * DAY))
    assert bob["score"] == pytest.approx(1.5 * MODEL.decay(DAY))
    # Three messages five minutes apart are one session, counted at its last message.
    assert carol["score"] == pytest.approx(MODEL.decay(0.5 * DAY - 10 * 60))
    assert [entry["rank"] for entry in body["scores"]] == [1, 2, 3]
    assert alice["display"] == round(100 * (1 - math.exp(-alice["score"] / 10)))
    assert alice["score_30_days_ago"] == 0.0
    assert alice["display_30_days_ago"] == 0
    assert alice["last_interaction_at"] == "2024-06-13T12:00:00+00:00"


async def test_score_30_days_ago(scored: Hub) -> None:
    await scored.push(item("m1", "meeting", at(40), "+15550001", "Alice"),
                      item("m2", "call", at(10), "+15550001", "Alice"))

    entry = (await scored.get("/api/v1/scores"))["scores"][0]

    assert entry["score"] == pytest.approx(5 * MODEL.decay(40 * DAY) + 3 * MODEL.decay(10 * DAY))
    assert entry["score_30_days_ago"] == pytest.approx(5 * MODEL.decay(10 * DAY))
    assert entry["display_30_days_ago"] == MODEL.display(entry["score_30_days_ago"])


async def test_limit_parameters(scored: Hub) -> None:
    await scored.push(item("a", "call", at(1), "+15550001", "Alice"), item("b", "call", at(2), "+15550002", "Bob"))

    one = await scored.get("/api/v1/scores", limit="1", fading_limit="0")

    assert [entry["name"] for entry in one["scores"]] == ["Alice"]
    assert one["fading"] == []
    for params in ({"limit": "0"}, {"limit": "101"}, {"fading_limit": "-1"}, {"limit": "x"}):
        response = await scored.client.get("/api/v1/scores", params=params, headers=scored.auth("read"))
        assert response.status == 400, params
        assert (await response.json())["error"]["code"] == "bad_request"


async def test_fading_silent_and_falling(scored: Hub) -> None:
    await scored.push(
        # Strong, then silent for 70 days.
        *[item(f"s{n}", "meeting", at(70, minutes=120 * n), "+15550001", "Silent Sam") for n in range(5)],
        # One meeting 45 days ago: its display fell over the last 30 days.
        item("f1", "meeting", at(45), "+15550002", "Falling Fay"),
        # Active now: rose instead of falling.
        item("r1", "meeting", at(1), "+15550003", "Rising Rob"),
    )

    fading = (await scored.get("/api/v1/scores"))["fading"]

    by_name = {entry["name"]: entry for entry in fading}
    assert set(by_name) == {"Silent Sam", "Falling Fay"}
    assert by_name["Silent Sam"]["reason"] == "silent"
    assert by_name["Silent Sam"]["days_since_last_interaction"] == 69
    assert by_name["Falling Fay"]["reason"] == "falling"
    assert by_name["Falling Fay"]["days_since_last_interaction"] == 45
    fay = by_name["Falling Fay"]
    assert fay["score"] == pytest.approx(5 * MODEL.decay(45 * DAY))
    assert fay["score_30_days_ago"] == pytest.approx(5 * MODEL.decay(15 * DAY))
    assert fay["display_30_days_ago"] > fay["display"]
    ranks = {entry["name"]: entry["rank"] for entry in (await scored.get("/api/v1/scores"))["scores"]}
    assert fay["rank"] == ranks["Falling Fay"]


async def test_breakdown(scored: Hub) -> None:
    await scored.push(
        item("m1", "meeting", at(3), "+15550001", "Alice", subject="Planning"),
        item("c1", "call", at(100), "+15550001", "Alice"),
        *[item(f"w{n}", "message", at(1, minutes=n), "+15550001", "Alice", thread_id="chat") for n in range(4)],
        item("b1", "meeting", at(1), "+15550002", "Bob"),
        item("b2", "meeting", at(2), "+15550002", "Bob"),
    )
    alice = await contact_id(scored, "Alice")

    body = await scored.get(f"/api/v1/contacts/{alice}/score")

    expected = 5 * MODEL.decay(3 * DAY) + 3 * MODEL.decay(100 * DAY) + MODEL.decay(DAY - 3 * 60)
    assert body["contact_id"] == alice
    assert body["name"] == "Alice"
    assert body["score"] == pytest.approx(expected)
    assert body["display"] == MODEL.display(body["score"])
    assert body["rank"] == 2
    assert body["by_type"] == pytest.approx({"meeting": 5 * MODEL.decay(3 * DAY), "call": 3 * MODEL.decay(100 * DAY),
                                             "message": MODEL.decay(DAY - 3 * 60)})
    assert sum(body["by_source"].values()) == pytest.approx(expected)
    assert [entry["type"] for entry in body["top_interactions"]] == ["meeting", "call", "message"]
    assert body["top_interactions"][0]["subject"] == "Planning"
    assert body["last_interaction"]["type"] == "message"
    assert body["last_interaction"]["occurred_at"] == at(1, minutes=3)
    trend = body["trend"]
    assert [point["month"] for point in trend][-3:] == ["2024-04", "2024-05", "2024-06"]
    assert len(trend) == 12
    assert trend[-1]["score"] == pytest.approx(expected)
    march_end = datetime(2024, 4, 1, tzinfo=timezone.utc).timestamp() - 1
    assert trend[-4]["score"] == pytest.approx(3 * MODEL.decay(march_end - (NOW - 100 * DAY)))
    assert trend[0]["score"] == 0.0


async def test_breakdown_unknown_contact(scored: Hub) -> None:
    response = await scored.client.get("/api/v1/contacts/999/score", headers=scored.auth("read"))

    assert response.status == 404
    assert (await response.json())["error"]["message"] == "contact 999 not found"


async def test_breakdown_without_interactions(scored: Hub) -> None:
    response = await scored.client.post("/api/v1/contacts", json={"name": "Nobody"}, headers=scored.auth("admin"))
    nobody = (await response.json())["id"]

    body = await scored.get(f"/api/v1/contacts/{nobody}/score")

    assert body["score"] == 0.0
    assert body["rank"] is None
    assert body["last_interaction"] is None
    assert body["top_interactions"] == []


async def test_contact_list_sorted_by_score(scored: Hub) -> None:
    await scored.push(*[item(f"c{n}", "call", at(n + 1), f"+1555000{n}", f"Person {n}") for n in range(5)])
    await scored.client.post("/api/v1/contacts", json={"name": "Without Score"}, headers=scored.auth("admin"))

    names: list[str] = []
    cursor = None
    for _ in range(4):
        params = {"sort": "score", "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = await scored.get("/api/v1/contacts", **params)
        names.extend(contact["name"] for contact in page["contacts"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert names == [f"Person {n}" for n in range(5)] + ["Without Score"]
    assert cursor is None


async def test_merge_and_delete_update_scores(scored: Hub) -> None:
    await scored.push(item("a", "call", at(1), "+15550001", "Ann"), item("b", "meeting", at(2), "+15550002", "Ann W"),
                      item("c", "email", at(3), "+15550003", "Cid"))
    ann, work, cid = (await contact_id(scored, "+15550001"), await contact_id(scored, "+15550002"),
                      await contact_id(scored, "+15550003"))

    merged = await scored.client.post(f"/api/v1/contacts/{ann}/merge", json={"source_contact_id": work},
                                      headers=scored.auth("admin"))
    after_merge = {entry["contact_id"]: entry["score"] for entry in (await scored.get("/api/v1/scores"))["scores"]}
    deleted = await scored.client.delete(f"/api/v1/contacts/{cid}", headers=scored.auth("admin"))
    after_delete = {entry["contact_id"] for entry in (await scored.get("/api/v1/scores"))["scores"]}

    assert merged.status == 200
    assert set(after_merge) == {ann, cid}
    assert after_merge[ann] == pytest.approx(3 * MODEL.decay(DAY) + 5 * MODEL.decay(2 * DAY))
    assert deleted.status == 200
    assert after_delete == {ann}


async def test_openapi_lists_score_routes(scored: Hub) -> None:
    document = await scored.get("/api/v1/openapi.json")

    operation = document["paths"]["/api/v1/scores"]["get"]
    assert operation["x-scope"] == "read"
    assert {parameter["name"] for parameter in operation["parameters"]} == {"limit", "fading_limit"}
    assert "404" in document["paths"]["/api/v1/contacts/{id}/score"]["get"]["responses"]


async def test_current_scores_for_a_list(scored: Hub) -> None:
    await scored.push(item("a", "call", at(1), "+15550001", "Alice"),
                      item("m", "meeting", at(-3), "+15550002", "Bob"))
    response = await scored.client.post("/api/v1/contacts", json={"name": "Nobody"}, headers=scored.auth("admin"))
    alice, bob, nobody = (await contact_id(scored, "Alice"), await contact_id(scored, "Bob"),
                          (await response.json())["id"])

    values = await current_scores(scored.client.app[keys.DATABASE].reader, scored.settings, [alice, bob, nobody],
                                  now=NOW)

    assert values[alice] == pytest.approx(3 * MODEL.decay(DAY))
    # A meeting in three days counts in full already.
    assert values[bob] == pytest.approx(5.0)
    assert values[nobody] == 0.0
