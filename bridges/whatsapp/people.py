"""Turn the sender names of an export into handles, and tell the owner's messages apart.

An export names each sender as the owner's phone shows them: the address book name, the
profile name after "~ " (iOS, unsaved contact), or the phone number as displayed
("+1 555 0147"). Numbers become E.164 handles of kind `phone`, so they meet the same
contact as in call logs; names become handles of kind `whatsapp`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bridges.core.records import Participant
from bridges.whatsapp.body import clean_sender, looks_like_phone
from bridges.whatsapp.phrases import fold
from hub.contacts.handles import InvalidHandle, normalize_phone

SenderKind = Literal["phone", "whatsapp"]


@dataclass(frozen=True)
class Sender:
    display: str  # as shown in the export, without marks and "~ "
    handle: str
    kind: SenderKind

    def participant(self, role: Literal["from", "to"]) -> Participant:
        name = self.display if self.kind == "whatsapp" else None
        return Participant(handle=self.handle, kind=self.kind, name=name, role=role)

    def is_named(self, name: str | None, phone_region: str | None) -> bool:
        """Tell whether `name` (a chat name, an owner name) denotes this sender."""
        if name is None:
            return False
        if fold(name) == fold(self.display):
            return True
        return self.kind == "phone" and looks_like_phone(name) and _phone_or_none(name, phone_region) == self.handle


class People:
    """Sender resolution for one export, and the test for the owner's messages."""

    def __init__(self, me: tuple[str, ...], phone_region: str | None, chat_name: str | None) -> None:
        self._me = tuple(name for name in (clean_sender(raw) for raw in me) if name)
        self._phone_region = phone_region
        self._chat_name = chat_name
        self._senders: dict[str, Sender | None] = {}
        self._owner_handles: dict[str, bool] = {}

    @property
    def chat_name(self) -> str | None:
        return self._chat_name

    @property
    def known_names(self) -> tuple[str, ...]:
        """Names the export is known to contain, which may include ": "."""
        return self._me + ((self._chat_name,) if self._chat_name else ())

    def sender(self, raw: str) -> Sender | None:
        """Return the sender written as `raw`, or None for an empty name."""
        if raw not in self._senders:
            self._senders[raw] = self._resolve(raw)
        return self._senders[raw]

    def is_owner(self, sender: Sender) -> bool:
        if sender.handle not in self._owner_handles:
            self._owner_handles[sender.handle] = any(sender.is_named(name, self._phone_region) for name in self._me)
        return self._owner_handles[sender.handle]

    def is_chat_name(self, sender: Sender) -> bool:
        return sender.is_named(self._chat_name, self._phone_region)

    def _resolve(self, raw: str) -> Sender | None:
        display = clean_sender(raw)
        if not display:
            return None
        if looks_like_phone(display):
            number = _phone_or_none(display, self._phone_region)
            if number is not None:
                return Sender(display=display, handle=number, kind="phone")
        return Sender(display=display, handle=display, kind="whatsapp")


def _phone_or_none(display: str, region: str | None) -> str | None:
    try:
        return normalize_phone(display, region)
    except InvalidHandle:
        # A local number with no region to place it: kept as the display name it is.
        return None
