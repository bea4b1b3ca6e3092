"""Normalisation of participant handles, so one person's handle is stored one way.

- email: trimmed and case-folded as a whole. The local part is case-sensitive in theory
  (RFC 5321) but no provider a person uses treats it so, and mixed case splits contacts.
- phone: E.164 through libphonenumber (`phonenumbers`), with a default region for numbers
  written without a country code. Withheld caller ids and other non-numbers are rejected.
- telegram, signal, whatsapp, other: kept as given, trimmed. A leading `@` of a Telegram
  username is dropped and the username lower-cased, because Telegram usernames are
  case-insensitive.
"""

from __future__ import annotations

import phonenumbers


class InvalidHandle(ValueError):
    """A handle that cannot be normalised for its kind."""


class MissingRegion(InvalidHandle):
    """A phone number without a country code, and no default region to read it in.

    The message names no setting, because the hub's setting is owner.phone_region and a
    bridge's option is --phone-region. Each caller adds its own hint.
    """


# The message of MissingRegion. Bridges find it in their readers' error reasons, which
# carry only text, to add the hint.
NO_DEFAULT_REGION = "has no country code and no default region is set"


def normalize_phone(raw: str, default_region: str | None) -> str:
    """Return `raw` as an E.164 number such as `+15550142`, or raise InvalidHandle."""
    text = raw.strip()
    digits = [c for c in text if c.isdigit()]
    if len(digits) < 3:
        raise InvalidHandle("is not a phone number")

    region = None if text.startswith("+") or text.startswith("00") else default_region
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        if region is None and not text.startswith("+"):
            raise MissingRegion(NO_DEFAULT_REGION) from exc
        raise InvalidHandle(f"is not a phone number ({exc.args[0] if exc.args else exc})") from exc

    # Keep numbers that libphonenumber cannot validate (fictional +1 555 01xx numbers,
    # new ranges, local numbers dialled without an area code in old call logs): a record
    # must not be dropped because the number is incomplete or the metadata is old.
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_handle(kind: str, raw: str, default_region: str | None = None) -> str:
    """Return the stored form of a handle of the given kind, or raise InvalidHandle."""
    text = raw.strip()
    if not text:
        raise InvalidHandle("must not be empty")

    if kind == "email":
        if "@" not in text:
            raise InvalidHandle("is not an email address (no @)")
        return text.casefold()
    if kind == "phone":
        return normalize_phone(text, default_region)
    if kind == "telegram" and text.startswith("@"):
        return text[1:].casefold()
    return text
