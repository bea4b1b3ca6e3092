"""Search through the API: the query syntax, each filter, sorting, pages, hostile input."""

from typing import Any

import pytest

from hub import keys
from hub.storage.errors import QueryTimeout

from tests.hub.conftest import Hub, interaction

BOB = [{"handle": "bob@example.com", "kind": "email", "name": "Bob Example", "role": "from"}]
ALICE = [{"handle": "+15550147", "kind": "phone", "name": "Alice Müller", "role": "from"}]


@pytest.fixture
async def seeded(hub: Hub) -> Hub:
    await hub.push(
        interaction("e1", subject="Sí, dinner on Friday", content="Let us meet at Café Olé.",
                    occurred_at="2024-01-10T19:00:00+00:00", participants=BOB),
        interaction("e2", subject="Budget", content="The restaurant budget for the new year party.",
                    occurred_at="2024-03-05T09:00:00+00:00", participants=BOB),
        interaction("w1", source="whatsapp", type="message", subject=None,
                    content="new year plans? dinner maybe", occurred_at="2024-05-01T12:00:00+02:00",
                    participants=ALICE),
        interaction("c1", source="phone", type="call", subject=None, content=None, duration_seconds=300,
                    occurred_at="2024-07-01T08:00:00+00:00", participants=ALICE),
        interaction("w2", source="whatsapp", type="message", subject=None,
                    content="year new, the order is reversed", occurred_at="2024-08-01T12:00:00+00:00",
                    participants=ALICE),
    )
    return hub


async def search(hub: Hub, **params: Any) -> list[str]:
    body = await hub.get("/api/v1/interactions", **params)
    return [hit["source_id"] for hit in body["interactions"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("si", {"e1"}),  # diacritics ignored
        ("CAFE ole", {"e1"}),
        ("dinner", {"e1", "w1"}),
        ("restaur*", {"e2"}),
        ('"new year"', {"e2", "w1"}),
        ('"year new"', {"w2"}),
        ("new year", {"e2", "w1", "w2"}),
        ("dinner source:whatsapp", {"w1"}),
        ("type:call", {"c1"}),
        ("with:alice", {"w1", "c1", "w2"}),
        ('with:"Alice Mu"', {"w1", "c1", "w2"}),
        ("with:bob@example", {"e1", "e2"}),
        ("with:nobody", set()),
        ("after:2024-05-01", {"w1", "c1", "w2"}),
        ("before:2024-03-05", {"e1", "e2"}),
        ("after:2024-03-01 before:2024-07-01", {"e2", "w1", "c1"}),
        ("source:email source:phone", {"e1", "e2", "c1"}),
        ("dinner source:email type:email with:bob after:2024-01-01 before:2024-12-31", {"e1"}),
    ],
)
async def test_query_syntax(seeded: Hub, q: str, expected: set[str]) -> None:
    assert set(await search(seeded, q=q)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source": "whatsapp"}, {"w1", "w2"}),
        ({"source": "email,phone"}, {"e1", "e2", "c1"}),
        ({"type": "call"}, {"c1"}),
        ({"since": "2024-07-01"}, {"c1", "w2"}),
        ({"until": "2024-03-05"}, {"e1", "e2"}),
        ({"since": "2024-03-05T09:00:01Z"}, {"w1", "c1", "w2"}),
        ({"q": "dinner", "source": "email"}, {"e1"}),
    ],
)
async def test_filter_parameters(seeded: Hub, params: dict[str, str], expected: set[str]) -> None:
    assert set(await search(seeded, **params)) == expected


async def test_contact_parameter_and_activity_route(seeded: Hub) -> None:
    contacts = (await seeded.get("/api/v1/contacts", q="alice"))["contacts"]
    alice_id = contacts[0]["id"]

    by_param = await search(seeded, contact=str(alice_id))
    activity = await seeded.get(f"/api/v1/contacts/{alice_id}/interactions", q="year")

    assert set(by_param) == {"w1", "c1", "w2"}
    assert [hit["source_id"] for hit in activity["interactions"]] == ["w2", "w1"] or \
        {hit["source_id"] for hit in activity["interactions"]} == {"w1", "w2"}


async def test_no_text_lists_newest_first(seeded: Hub) -> None:
    assert await search(seeded) == ["w2", "c1", "w1", "e2", "e1"]


async def test_sort_time_with_text(seeded: Hub) -> None:
    assert await search(seeded, q="year", sort="time") == ["w2", "w1", "e2"]


async def test_relevance_prefers_subject(seeded: Hub) -> None:
    await seeded.push(
        interaction("r1", subject="other", content="the budget is in the shared folder with the notes"),
        interaction("r2", subject="budget", content="something else"),
    )

    ranked = await search(seeded, q="budget", sort="relevance")

    assert ranked.index("r2") < ranked.index("r1")


async def test_snippet_highlights_match(seeded: Hub) -> None:
    body = await seeded.get("/api/v1/interactions", q="olé")
    snippet = body["interactions"][0]["snippet"]

    spans = [snippet["text"][start:end] for start, end in snippet["highlights"]]
    assert spans == ["Olé"]


async def test_hits_name_contacts(seeded: Hub) -> None:
    body = await seeded.get("/api/v1/interactions", q="type:call")

    assert body["interactions"][0]["contacts"][0]["name"] == "Alice Müller"
    assert body["interactions"][0]["duration_seconds"] == 300


@pytest.mark.parametrize("sort", ["time", "relevance"])
async def test_keyset_pages_cover_everything_once(hub: Hub, sort: str) -> None:
    await hub.push(*[interaction(f"p{i:02}", content=f"page word {'extra ' * (i % 5)}",
                                 occurred_at=f"2024-01-{1 + i % 28:02}T10:00:00Z") for i in range(45)])

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"q": "page", "sort": sort, "limit": "10", **({"cursor": cursor} if cursor else {})}
        body = await hub.get("/api/v1/interactions", **params)
        seen.extend(hit["source_id"] for hit in body["interactions"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == 5
    assert len(seen) == 45
    assert len(set(seen)) == 45


@pytest.mark.parametrize(
    "q",
    ['"', '""', "*", "**", "-", "NEAR(", "NEAR(a b", "OR", "AND", "NOT", "a OR", '"unbalanced',
     "dinner\"", "col:on", "subject:dinner", "^start", "a AND OR NOT b", "(", ")", "{x}", "[", "\\", "'; DROP TABLE interactions; --",
     "\x00", "é*", "🙂", "with:", "ab*"],
)
async def test_hostile_queries_never_fail(seeded: Hub, q: str) -> None:
    response = await seeded.client.get("/api/v1/interactions", params={"q": q}, headers=seeded.auth("read"))

    assert response.status in (200, 400), await response.text()
    body = await response.json()
    if response.status == 400:
        assert body["error"]["code"] == "invalid_query"
    assert (await seeded.get("/api/v1/interactions"))["interactions"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"q": "source:fax"}, "source:fax is not a known source"),
        ({"q": "type:letter"}, "type:letter"),
        ({"q": "after:someday"}, "after:someday is not a date"),
        ({"q": "a*"}, "too short"),
        ({"q": "with:"}, "needs a value"),
        ({"sort": "random"}, "sort must be one of"),
        ({"limit": "0"}, "limit must be between"),
        ({"limit": "many"}, "limit must be an integer"),
        ({"source": "fax"}, "source must be one of"),
        ({"since": "soon"}, "since must be a date"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"contact": "bob"}, "contact must be a contact id"),
        ({"q": "x" * 1001}, "at most 1000"),
        ({"q": '"('}, "no words to search for"),
        ({"q": "* - ^"}, "no words to search for"),
    ],
)
async def test_bad_parameters_named(seeded: Hub, params: dict[str, str], fragment: str) -> None:
    response = await seeded.client.get("/api/v1/interactions", params=params, headers=seeded.auth("read"))

    assert response.status == 400
    assert fragment in (await response.json())["error"]["message"]


async def test_cursor_of_other_sort_rejected(hub: Hub) -> None:
    await hub.push(*[interaction(f"k{i}") for i in range(3)])
    body = await hub.get("/api/v1/interactions", limit="1")

    response = await hub.client.get("/api/v1/interactions", params={"q": "dinner", "cursor": body["next_cursor"]},
                                    headers=hub.auth("read"))

    assert response.status == 400
    assert "another listing" in (await response.json())["error"]["message"]


async def test_search_time_budget(hub_factory: Any) -> None:
    hub = await hub_factory(database={"search_timeout_ms": 10})
    await hub.push(*[interaction(f"b{i}", content=f"common w{i}") for i in range(20)])
    pool = hub.client.app[keys.DATABASE].reader
    with pytest.raises(QueryTimeout):
        await pool.fetch_all(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
        )
    assert (await hub.get("/api/v1/interactions", q="common", limit="1"))["interactions"]


async def test_dates_read_in_owner_zone(hub_factory: Any) -> None:
    hub = await hub_factory(owner={"timezone": "Asia/Tokyo"})
    # 00:30 on May 1 in Tokyo is still April 30 in UTC.
    await hub.push(interaction("late", occurred_at="2024-04-30T15:30:00Z"))

    assert await search(hub, q="after:2024-05-01") == ["late"]
    assert await search(hub, since="2024-05-01") == ["late"]
    assert await search(hub, q="before:2024-04-30") == []
