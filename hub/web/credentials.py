"""Check what a person types into the login form: the web password or a read/admin API token.

A password login counts as admin (it may merge contacts); a token login gets its token's
scope, and an ingest token cannot log in. Every comparison runs in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from hub.storage.readers import ReadPool
from hub.tokens import secret_matches, split_token
from hub.web.settings import PASSWORD_ENVIRONMENT_VARIABLE

logger = logging.getLogger(__name__)

# Scopes whose tokens may log in to the page, and the role each gets.
TOKEN_ROLES = {"admin": "admin", "read": "read"}
PASSWORD_ROLE = "admin"


@dataclass(frozen=True)
class Credential:
    """The role of a login ("admin" or "read") and the API token it used, if any."""

    role: str
    token_key_id: str | None = None


class LoginRejected(Exception):
    """The credential is valid but may not log in; the message is a sentence to show as it is."""


class PasswordSource:
    """The web password: the environment variable wins, else the file (read at each login).

    Reading the file each time lets the owner change the password without a restart.
    """

    def __init__(self, environment_value: str | None, path: Path | None) -> None:
        self._environment_value = environment_value or None
        self._path = path
        self._last_error: str | None = None

    @classmethod
    def from_environment(cls, path: Path | None) -> PasswordSource:
        return cls(os.environ.get(PASSWORD_ENVIRONMENT_VARIABLE), path)

    def read(self) -> str | None:
        """Return the password, or None when none is configured or the file is unreadable."""
        if self._environment_value is not None:
            return self._environment_value
        if self._path is None:
            return None
        try:
            # Editors end files with a newline; it is not part of the password.
            password = self._path.read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            # Logged once per distinct error, not at every visit of the login page.
            if str(exc) != self._last_error:
                logger.error("cannot read the web password file %s: %s; password login is disabled",
                             self._path, exc)
                self._last_error = str(exc)
            return None
        self._last_error = None
        return password or None


def password_matches(expected: str, typed: str) -> bool:
    """Compare digests, so the time taken reveals neither the content nor the length."""
    expected_digest = hashlib.sha256(expected.encode()).digest()
    typed_digest = hashlib.sha256(typed.encode()).digest()
    return hmac.compare_digest(expected_digest, typed_digest)


async def check_credential(reader: ReadPool, password: str | None, typed: str) -> Credential | None:
    """Return the login that `typed` gives, or None when it is neither the password nor a token.

    Raises LoginRejected for a valid token whose scope may not log in.
    """
    if split_token(typed) is not None:
        credential = await _check_token(reader, typed)
        if credential is not None:
            return credential
    if password is not None and password_matches(password, typed):
        return Credential(PASSWORD_ROLE)
    return None


async def _check_token(reader: ReadPool, token: str) -> Credential | None:
    parts = split_token(token)
    if parts is None:
        return None
    key_id, secret = parts
    row = await reader.fetch_one(
        "SELECT scope, secret_hash, revoked_at FROM tokens WHERE key_id = ?", [key_id]
    )
    if row is None or not secret_matches(row["secret_hash"], secret) or row["revoked_at"] is not None:
        return None
    role = TOKEN_ROLES.get(row["scope"])
    if role is None:
        raise LoginRejected(f"A token with the {row['scope']} scope cannot log in; use a read or admin token.")
    return Credential(role, key_id)
