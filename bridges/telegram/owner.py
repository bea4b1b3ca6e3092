"""The owner of a Telegram export, whose messages are outbound and who is no contact.

A whole-account export names the owner in `personal_information.user_id`. A single-chat
export does not name them, so the owner comes from `options.me`: a peer id as the export
writes it (`user123456`), a bare numeric user id, or a display name as it appears in
`from`. Without either, messages keep every sender as a participant and no direction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

USER_PEER_ID = re.compile(r"user(\d+)")
BARE_USER_ID = re.compile(r"\d+")


def peer_handle(raw: Any) -> str | None:
    """Return a sender id in the `user123` form, or None when there is none.

    Exports written before `from_id` became a string (2021) carry the bare number.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return f"user{raw}"
    if isinstance(raw, str) and raw.strip():
        text = raw.strip()
        return f"user{text}" if BARE_USER_ID.fullmatch(text) else text
    return None


@dataclass(frozen=True)
class Owner:
    """The owner's peer ids (`user123`) and display names; both empty when unknown."""

    peer_ids: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    @classmethod
    def from_me(cls, me: Iterable[str]) -> "Owner":
        peer_ids: set[str] = set()
        names: set[str] = set()
        for entry in me:
            text = entry.strip()
            if USER_PEER_ID.fullmatch(text) or BARE_USER_ID.fullmatch(text):
                peer_ids.add(f"user{text.removeprefix('user')}")
            elif text:
                names.add(text)
        return cls(frozenset(peer_ids), frozenset(names))

    def with_personal_information(self, fields: Any) -> "Owner":
        """Return the owner with the user id of a `personal_information` object added."""
        if not isinstance(fields, dict):
            return self
        handle = peer_handle(fields.get("user_id"))
        if handle is None:
            return self
        return Owner(self.peer_ids | {handle}, self.names)

    @property
    def known(self) -> bool:
        return bool(self.peer_ids or self.names)

    def sent(self, handle: str | None, name: str | None) -> bool:
        """Return whether the sender with this peer id or display name is the owner.

        A known peer id decides alone, because two people can share a display name.
        """
        if handle is not None and self.peer_ids:
            return handle in self.peer_ids
        return name is not None and name in self.names
