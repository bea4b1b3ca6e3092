"""Counterpart numbers in Android call logs and messages: real, withheld or unknown.

Android stores a caller who withheld the number (CLIR), an unknown caller and a payphone
with a placeholder instead of a number (`CallerInfo` in AOSP: `-1` unknown, `-2` private,
`-3` payphone) or an empty number, together with the call's `presentation` code
(`CallLog.Calls.PRESENTATION_*`). None of these is a phone number: treated as one, every
withheld call would land on one shared fake contact.

Besides phone numbers, an address can be an alphanumeric sender id ("DHL", "Google"), a
short code ("72975") or a SIP address; these are kept as handles of kind `other`, because
libphonenumber would turn a short code into a wrong international number.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.contacts.handles import normalize_handle

# CallLog.Calls.PRESENTATION_* codes, the `presentation` attribute of a call.
PRESENTATION_ALLOWED = 1
PRESENTATION_RESTRICTED = 2
PRESENTATION_UNKNOWN = 3
PRESENTATION_PAYPHONE = 4
PRESENTATION_NAMES = {
    PRESENTATION_ALLOWED: "allowed",
    PRESENTATION_RESTRICTED: "restricted",
    PRESENTATION_UNKNOWN: "unknown",
    PRESENTATION_PAYPHONE: "payphone",
}
NAMES_TO_PRESENTATION = {name: code for code, name in PRESENTATION_NAMES.items()}

# Placeholder numbers and what they mean. `null` is what the app writes for an empty
# database column; `insert-address-token` is the MMS placeholder for the phone's own number.
PLACEHOLDER_PRESENTATION = {
    "": PRESENTATION_UNKNOWN,
    "-1": PRESENTATION_UNKNOWN,
    "-2": PRESENTATION_RESTRICTED,
    "-3": PRESENTATION_PAYPHONE,
    "null": PRESENTATION_UNKNOWN,
}
OWN_NUMBER_PLACEHOLDER = "insert-address-token"

MAX_SHORT_CODE_DIGITS = 6


@dataclass(frozen=True)
class Handle:
    """A counterpart that can be a contact: a normalised handle and its kind."""

    kind: str
    value: str


@dataclass(frozen=True)
class Withheld:
    """A counterpart whose number was withheld or is unknown; `presentation` is its name."""

    presentation: str


def parse_presentation(raw: str | None) -> int | None:
    """Return the presentation code of a `presentation` attribute, or None when absent."""
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw.strip())


def resolve_counterpart(raw: str | None, presentation: int | None, region: str | None) -> Handle | Withheld:
    """Return the handle that `raw` names, or Withheld when it names nobody.

    Raises `hub.contacts.handles.InvalidHandle` for a number that libphonenumber cannot read,
    for example one without a country code when no default region is set.
    """
    number = (raw or "").strip()
    if number in PLACEHOLDER_PRESENTATION:
        if presentation not in (None, PRESENTATION_ALLOWED):
            return Withheld(PRESENTATION_NAMES.get(presentation, "unknown"))
        return Withheld(PRESENTATION_NAMES[PLACEHOLDER_PRESENTATION[number]])
    if presentation is not None and presentation != PRESENTATION_ALLOWED:
        # The network withheld the caller id even though a number was stored.
        return Withheld(PRESENTATION_NAMES.get(presentation, "unknown"))

    if any(character.isalpha() for character in number):
        return Handle("other", number)
    digits = "".join(character for character in number if character.isdigit())
    if not number.startswith("+") and len(digits) <= MAX_SHORT_CODE_DIGITS:
        return Handle("other", digits or number)
    return Handle("phone", normalize_handle("phone", number, region))


def own_handles(me: tuple[str, ...], region: str | None) -> frozenset[str]:
    """Return the owner's handles in normalised form, so that they can be left out."""
    handles = set()
    for raw in me:
        handles.add(raw.strip())
        try:
            handles.add(normalize_handle("phone", raw, region))
        except ValueError:
            continue
    return frozenset(handles)
