"""Every route times every kind of credential gives exactly the documented status."""

import sqlite3
from typing import Any

import pytest

from hub.api.routes import all_routes
from hub.commands.offline import write_transaction
from hub.tokens import create_token, revoke_token
from tests.hub.conftest import Hub, interaction

# The scope each route needs. A route missing here fails test_matrix_covers_every_route.
EXPECTED_SCOPES = {
    ("GET", "/healthz"): "public",
    ("GET", "/api/v1/openapi.json"): "public",
    ("POST", "/api/v1/interactions"): "ingest",
    ("GET", "/api/v1/interactions"): "read",
    ("GET", "/api/v1/interactions/{id}"): "read",
    ("GET", "/api/v1/contacts"): "read",
    ("POST", "/api/v1/contacts"): "admin",
    ("GET", "/api/v1/contacts/{id}"): "read",
    ("PATCH", "/api/v1/contacts/{id}"): "admin",
    ("DELETE", "/api/v1/contacts/{id}"): "admin",
    ("POST", "/api/v1/contacts/{id}/handles"): "admin",
    ("DELETE", "/api/v1/contacts/{id}/handles/{handle_id}"): "admin",
    ("POST", "/api/v1/contacts/{id}/merge"): "admin",
    ("GET", "/api/v1/contacts/{id}/interactions"): "read",
    ("GET", "/api/v1/scores"): "read",
    ("GET", "/api/v1/contacts/{id}/score"): "read",
}

# Scope of the token used -> scopes of routes it may call.
ALLOWED = {"ingest": {"ingest"}, "read": {"read"}, "admin": {"ingest", "read", "admin"}}


def test_matrix_covers_every_route(hub: Hub) -> None:
    declared = {(route.method, route.path): route.scope for route in all_routes(hub.client.app)}

    assert declared == EXPECTED_SCOPES


def _request_args(method: str, path: str) -> dict[str, Any]:
    bodies = {
        ("POST", "/api/v1/interactions"): interaction("auth"),
        ("POST", "/api/v1/contacts"): {"name": "New Person"},
        ("PATCH", "/api/v1/contacts/{id}"): {"name": "Renamed"},
        ("POST", "/api/v1/contacts/{id}/handles"): {"kind": "email", "handle": "other@example.com"},
        ("POST", "/api/v1/contacts/{id}/merge"): {"source_contact_id": 999},
    }
    return {"json": bodies[(method, path)]} if (method, path) in bodies else {}


def _url(path: str) -> str:
    return path.replace("{id}", "1").replace("{handle_id}", "1")


CREDENTIALS = ["missing", "not-bearer", "malformed", "unknown", "wrong-secret", "revoked", "ingest", "read", "admin"]


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED_SCOPES))
async def test_auth_matrix(hub: Hub, method: str, path: str, credential: str) -> None:
    await hub.push(interaction("seed"))
    with write_transaction(hub.settings) as connection:
        revoked = create_token(connection, "to-revoke", "admin")
        revoke_token(connection, "to-revoke")
    key_id = hub.tokens["admin"].split("_")[1]
    bad_headers: dict[str, dict[str, str]] = {
        "missing": {},
        "not-bearer": {"Authorization": "Basic dXNlcjpwYXNz"},
        "malformed": {"Authorization": "Bearer not-a-token"},
        "unknown": {"Authorization": "Bearer cmk_000000000000_secret"},
        "wrong-secret": {"Authorization": f"Bearer cmk_{key_id}_wrong"},
        "revoked": {"Authorization": f"Bearer {revoked}"},
    }
    headers = bad_headers[credential] if credential in bad_headers else hub.auth(credential)

    response = await hub.client.request(method, _url(path), headers=headers, **_request_args(method, path))

    scope = EXPECTED_SCOPES[(method, path)]
    if scope == "public":
        assert response.status == 200
    elif credential in ("missing", "not-bearer", "malformed", "unknown", "wrong-secret", "revoked"):
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    elif scope in ALLOWED[credential]:
        assert response.status not in (401, 403), await response.text()
    else:
        assert response.status == 403
    if response.status >= 400:
        body = await response.json()
        assert set(body["error"]) >= {"status", "code", "message"}


async def test_tokens_stored_hashed(hub: Hub) -> None:
    with sqlite3.connect(hub.settings.database.path) as connection:
        rows = connection.execute("SELECT key_id, secret_hash FROM tokens").fetchall()
    secret = hub.tokens["admin"].split("_")[2]

    assert len(rows) == 3
    for _key_id, digest in rows:
        assert secret.encode() not in digest
        assert len(digest) == 32
