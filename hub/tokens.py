"""API tokens: bridge (`ingest`), query (`read`) and `admin` scopes.

A token reads `cmk_<key id>_<secret>`. The key id finds the row; the secret is stored only
as its SHA-256 digest and compared with `hmac.compare_digest`, in constant time. A slow
password hash is not needed: the secret is 256 random bits, not something a person chose.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass

SCOPES = ("ingest", "read", "admin")
# Scopes each token scope grants: admin grants everything, read only queries, ingest only pushes.
GRANTS = {"ingest": {"ingest"}, "read": {"read"}, "admin": {"ingest", "read", "admin"}}

PREFIX = "cmk"


class TokenError(Exception):
    """A token operation got invalid input (unknown scope, duplicate name, unknown token)."""


@dataclass(frozen=True)
class TokenInfo:
    key_id: str
    name: str
    scope: str
    created_at: int
    revoked_at: int | None


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def split_token(token: str) -> tuple[str, str] | None:
    """Return (key id, secret) of a well-formed token, else None."""
    parts = token.split("_")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def create_token(connection: sqlite3.Connection, name: str, scope: str) -> str:
    """Insert a new token and return it; only its digest is stored."""
    if scope not in SCOPES:
        raise TokenError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenError("token name must be 1 to 100 characters")
    if connection.execute("SELECT 1 FROM tokens WHERE name = ?", (name,)).fetchone():
        raise TokenError(f"a token named {name!r} already exists; pick another name or revoke it")

    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32).replace("_", "-")
    connection.execute(
        "INSERT INTO tokens (key_id, name, scope, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        (key_id, name, scope, _digest(secret), int(time.time())),
    )
    return f"{PREFIX}_{key_id}_{secret}"


def list_tokens(connection: sqlite3.Connection) -> list[TokenInfo]:
    rows = connection.execute(
        "SELECT key_id, name, scope, created_at, revoked_at FROM tokens ORDER BY id"
    ).fetchall()
    return [TokenInfo(*tuple(row)) for row in rows]


def revoke_token(connection: sqlite3.Connection, name_or_key_id: str) -> TokenInfo:
    row = connection.execute(
        "SELECT key_id, name, scope, created_at, revoked_at FROM tokens"
        " WHERE name = ? OR key_id = ?",
        (name_or_key_id, name_or_key_id),
    ).fetchone()
    if row is None:
        raise TokenError(
            f"no token has the name or key id {name_or_key_id!r}; `cardmunk-hub token list` shows them"
        )
    info = TokenInfo(*tuple(row))
    if info.revoked_at is None:
        connection.execute(
            "UPDATE tokens SET revoked_at = ? WHERE key_id = ?", (int(time.time()), info.key_id)
        )
    return info


def secret_matches(stored_digest: bytes, secret: str) -> bool:
    return hmac.compare_digest(stored_digest, _digest(secret))
