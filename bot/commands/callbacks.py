"""The callback_data of the bot's buttons, kept far below Telegram's 64-byte limit.

    s:<search id>:<page>   a page of a stored search (bot.sessions)
    c:<contact id>         a contact's card
    k:<contact id>         a contact's score breakdown
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CALLBACK_DATA_BYTES = 64

_SEARCH_PAGE = re.compile(r"s:([A-Za-z0-9_-]{1,16}):(\d{1,4})")
_CONTACT = re.compile(r"([ck]):(\d{1,18})")


@dataclass(frozen=True)
class SearchPageRequest:
    session_id: str
    page: int


@dataclass(frozen=True)
class ContactRequest:
    contact_id: int
    score: bool  # True for the score breakdown, False for the card


def search_page_data(session_id: str, page: int) -> str:
    return _checked(f"s:{session_id}:{page}")


def contact_data(contact_id: int, *, score: bool = False) -> str:
    return _checked(f"{'k' if score else 'c'}:{contact_id}")


def parse_callback_data(data: str) -> SearchPageRequest | ContactRequest | None:
    """Read a button's data; None for data this bot never makes."""
    match = _SEARCH_PAGE.fullmatch(data)
    if match:
        return SearchPageRequest(match.group(1), int(match.group(2)))
    match = _CONTACT.fullmatch(data)
    if match:
        return ContactRequest(int(match.group(2)), score=match.group(1) == "k")
    return None


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
        raise ValueError(f"callback_data of {len(data.encode())} bytes exceeds {MAX_CALLBACK_DATA_BYTES}")
    return data
