"""The Signal account owner: the `account` number of each line plus `options.me`.

`options.me` may hold E.164 numbers and account UUIDs (ACIs); other entries, such as an
email address meant for another bridge, are ignored here.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Iterable

from hub.contacts.handles import InvalidHandle, normalize_handle

# An entry of `options.me` written as a phone number, with or without a country code.
# Other entries (a Telegram `user123` id, a name) must not be read as numbers.
PHONE_LIKE = re.compile(r"\+?[\d\s().-]{3,}")


def phone_number(raw: object, region: str | None) -> str | None:
    """Return `raw` as E.164, or None when it is no phone number."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return normalize_handle("phone", raw, region)
    except InvalidHandle:
        return None


def account_uuid(raw: object) -> str | None:
    """Return `raw` as a lower-case UUID, or None when it is not a UUID."""
    if not isinstance(raw, str):
        return None
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Owner:
    """The owner's E.164 numbers and lower-case account UUIDs."""

    numbers: frozenset[str]
    uuids: frozenset[str]

    @classmethod
    def from_me(cls, me: Iterable[str], region: str | None) -> "Owner":
        numbers: set[str] = set()
        uuids: set[str] = set()
        for entry in me:
            parsed_uuid = account_uuid(entry)
            if parsed_uuid is not None:
                uuids.add(parsed_uuid)
                continue
            if PHONE_LIKE.fullmatch(entry.strip()):
                number = phone_number(entry, region)
                if number is not None:
                    numbers.add(number)
        return cls(frozenset(numbers), frozenset(uuids))

    def with_account(self, account: object, region: str | None) -> "Owner":
        number = phone_number(account, region)
        if number is None or number in self.numbers:
            return self
        return Owner(self.numbers | {number}, self.uuids)

    def is_owner(self, number: str | None, account_id: str | None) -> bool:
        return (number is not None and number in self.numbers) or (
            account_id is not None and account_id in self.uuids
        )
