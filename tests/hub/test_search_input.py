"""Search parameters that once gave 5xx: each now gives 400 with a message."""

import pytest

from tests.hub.conftest import Hub, interaction


@pytest.mark.parametrize("q", ["a\x00b", "ab\x00", '"x\x00y', "with:bo\x00b"])
async def test_nul_in_query_is_400(hub: Hub, q: str) -> None:
    await hub.push(interaction("1"))

    response = await hub.client.get("/api/v1/interactions", params={"q": q}, headers=hub.auth("read"))

    assert response.status == 400
    assert "NUL" in (await response.json())["error"]["message"]


@pytest.mark.parametrize("contact", ["97879826019496902656", "9223372036854775808", "0", "-3"])
async def test_contact_id_out_of_range_is_400(hub: Hub, contact: str) -> None:
    response = await hub.client.get("/api/v1/interactions", params={"contact": contact}, headers=hub.auth("read"))

    assert response.status == 400
    assert "contact" in (await response.json())["error"]["message"]


async def test_largest_contact_id_is_searched(hub: Hub) -> None:
    response = await hub.client.get("/api/v1/interactions", params={"contact": str(2**63 - 1)},
                                    headers=hub.auth("read"))

    assert response.status == 200
    assert (await response.json())["interactions"] == []
