"""Login sessions of the web page: a random id in a cookie, its SHA-256 digest in `web_sessions`.

The session id is 256 random bits, so a plain digest (not a slow password hash) keeps a copy
of the database from being used to take over a session. A session ends at its expiry, at
logout, or when the API token used to log in is revoked.

The form token against cross-site request forgery (CSRF) is derived from the session id with
HMAC, so it needs no storage and differs for every session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from hub.storage.database import Database
from hub.storage.readers import ReadPool
from hub.web.credentials import Credential
from hub.web.settings import WebSettings

COOKIE_NAME = "cardmunk_session"
# The id is 43 characters of URL-safe base64; a longer cookie is not ours.
MAX_SESSION_ID_CHARS = 64
_CSRF_CONTEXT = b"cardmunk web form"
SECONDS_PER_DAY = 24 * 3600


@dataclass(frozen=True)
class Session:
    session_id: str
    role: str  # "admin" or "read"

    @property
    def can_merge(self) -> bool:
        return self.role == "admin"

    @property
    def csrf_token(self) -> str:
        return hmac.new(self.session_id.encode(), _CSRF_CONTEXT, hashlib.sha256).hexdigest()

    def csrf_matches(self, form_token: str) -> bool:
        return hmac.compare_digest(self.csrf_token.encode(), form_token.encode())


def _digest(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


async def create_session(database: Database, credential: Credential, settings: WebSettings,
                         now: int | None = None) -> str:
    """Store a new session for `credential` and return its id; drop expired sessions."""
    now = int(time.time()) if now is None else now
    session_id = secrets.token_urlsafe(32)
    expires_at = now + int(settings.session_days * SECONDS_PER_DAY)

    def insert(transaction: Any) -> None:
        connection = transaction.connection
        connection.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (now,))
        connection.execute(
            "INSERT INTO web_sessions (id_digest, role, token_key_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (_digest(session_id), credential.role, credential.token_key_id, now, expires_at),
        )

    await database.writer.submit(insert, name="web-login")
    return session_id


async def find_session(reader: ReadPool, session_id: str | None, now: int | None = None) -> Session | None:
    """Return the live session with this id, or None (unknown, expired, or token revoked)."""
    if not session_id or len(session_id) > MAX_SESSION_ID_CHARS:
        return None
    now = int(time.time()) if now is None else now
    row = await reader.fetch_one(
        "SELECT s.role, s.token_key_id, t.key_id AS token_found, t.revoked_at FROM web_sessions s"
        " LEFT JOIN tokens t ON t.key_id = s.token_key_id"
        " WHERE s.id_digest = ? AND s.expires_at > ?",
        [_digest(session_id), now],
    )
    if row is None:
        return None
    if row["token_key_id"] is not None and (row["token_found"] is None or row["revoked_at"] is not None):
        return None
    return Session(session_id, row["role"])


async def end_session(database: Database, session_id: str) -> None:
    def delete(transaction: Any) -> None:
        transaction.connection.execute("DELETE FROM web_sessions WHERE id_digest = ?", (_digest(session_id),))

    await database.writer.submit(delete, name="web-logout")


def set_session_cookie(response: web.StreamResponse, session_id: str, settings: WebSettings) -> None:
    response.set_cookie(
        COOKIE_NAME, session_id, max_age=int(settings.session_days * SECONDS_PER_DAY), path="/",
        httponly=True, samesite="Lax", secure=settings.secure_cookies,
    )


def clear_session_cookie(response: web.StreamResponse, settings: WebSettings) -> None:
    response.del_cookie(COOKIE_NAME, path="/", httponly=True, samesite="Lax", secure=settings.secure_cookies)
