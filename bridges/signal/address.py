"""Signal accounts as signal-cli names them: an E.164 number, an account UUID, or both.

signal-cli writes each address as `*Number` and `*Uuid` fields plus a deprecated legacy
field (`source`, `destination`, `author`) that contains the number when there is one and
the UUID otherwise. A sender who hides their number from non-contacts has only a UUID.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bridges.core.records import Participant
from bridges.signal.owner import account_uuid, phone_number

MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Address:
    """A Signal account as an envelope names it: E.164 number, UUID and profile name."""

    number: str | None
    uuid: str | None
    name: str | None = None

    @property
    def author(self) -> str | None:
        """Return the handle that goes into source ids: the number, else the UUID."""
        return self.number or self.uuid

    def participant(self, role: str) -> Participant | None:
        if self.number is not None:
            return Participant(handle=self.number, kind="phone", name=self.name, role=role)
        if self.uuid is not None:
            return Participant(handle=self.uuid, kind="signal", name=self.name, role=role)
        return None


def address_of(number: Any, account_id: Any, legacy: Any, region: str | None, name: Any = None) -> Address:
    """Return the address from signal-cli's `*Number`, `*Uuid` and legacy fields."""
    parsed_number = phone_number(number, region) or phone_number(_phone_text(legacy), region)
    parsed_uuid = account_uuid(account_id) or account_uuid(legacy)
    return Address(parsed_number, parsed_uuid, _name(name))


def _phone_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("+") else None


def _name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    name = value.replace("\x00", "").strip()[:MAX_NAME_CHARS]
    return name or None
