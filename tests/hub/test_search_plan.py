"""The search SQL plan: snippets only for the page, and the bound on ranked candidates."""

import pytest

from hub.search import sql
from tests.hub.conftest import Hub, interaction


async def test_ranking_sees_last_stored_matches(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql, "RANKED_CANDIDATES", 3)
    await hub.push(*[interaction(f"m{n}", subject="ledger", content="ledger " * (5 - n)) for n in range(5)])

    ranked = await hub.get("/api/v1/interactions", q="ledger", sort="relevance")
    newest = await hub.get("/api/v1/interactions", q="ledger", sort="time")

    assert sorted(hit["source_id"] for hit in ranked["interactions"]) == ["m2", "m3", "m4"]
    assert len(newest["interactions"]) == 5


async def test_snippets_and_pages_follow_sort(hub: Hub) -> None:
    await hub.push(*[interaction(f"p{n}", occurred_at=f"2024-01-{n + 1:02d}T10:00:00Z",
                                 content=f"harbour trip number {n}") for n in range(7)])

    first = await hub.get("/api/v1/interactions", q="harbour", sort="time", limit=4)
    second = await hub.get("/api/v1/interactions", q="harbour", sort="time", limit=4, cursor=first["next_cursor"])

    ids = [hit["source_id"] for hit in first["interactions"] + second["interactions"]]
    assert ids == [f"p{n}" for n in range(6, -1, -1)]
    assert second["next_cursor"] is None
    for hit in first["interactions"]:
        text = hit["snippet"]["text"]
        start, end = hit["snippet"]["highlights"][0]
        assert text[start:end].lower() == "harbour"
        assert "relevance" in hit
