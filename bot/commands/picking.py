"""Find the one contact a command names, or offer buttons to pick among several.

A command names a contact by a part of its name or of a handle, or by its id as `#12`.
"""

from __future__ import annotations

import re
from typing import Any

from bot.answer import Answer, Button, Span, italic, text_answer
from bot.commands.callbacks import contact_data
from bot.commands.context import CommandContext, CommandError
from bot.format import MAX_DETAIL_CHARS, MAX_NAME_CHARS, name_details, shorten
from hub.contacts.queries import ContactNotFound, get_contact, list_contacts
from hub.text import fold

MAX_CHOICES = 8
MAX_ARGUMENT_CHARS = 200
MAX_LABEL_NAME_CHARS = 40
# "#12": a contact id, as the lists show it for contacts of the same name. 18 digits stay
# below SQLite's largest integer.
_CONTACT_ID = re.compile(r"#(\d{1,18})")


async def pick_contact(arguments: str, context: CommandContext, *, usage: str, score: bool) -> int | Answer:
    """Return the id of the one contact `arguments` names, or an answer with choices or a notice."""
    text = arguments.strip()
    if not text:
        raise CommandError(usage)
    if len(text) > MAX_ARGUMENT_CHARS:
        raise CommandError(f"That name is {len(text)} characters long; give at most {MAX_ARGUMENT_CHARS}.")
    by_id = _CONTACT_ID.fullmatch(text)
    if by_id:
        return await _contact_by_id(context, int(by_id.group(1)))

    page = await list_contacts(context.reader, q=text, sort="last_interaction", limit=MAX_CHOICES + 1,
                               cursor=None)
    matches = page.contacts
    if not matches:
        return text_answer(
            [Span("No contact matches "), italic(shorten(text, MAX_NAME_CHARS)), Span(".")],
            "Try a part of the name, an email address or a phone number.",
        )
    if len(matches) == 1:
        return int(matches[0]["id"])
    exact = [c for c in matches if _is_exact(c, text)]
    if len(exact) == 1:
        return int(exact[0]["id"])

    answer = Answer()
    shown = matches[:MAX_CHOICES]
    if len(matches) > MAX_CHOICES:
        # list_contacts sorted the matches by their last interaction, newest first.
        answer.add(f"More than {MAX_CHOICES} contacts match. Type more of the name, "
                   f"or pick one of the {MAX_CHOICES} most recent:")
    else:
        answer.add(f"{len(shown)} contacts match. Pick one:")
    details = name_details(shown)
    command = "/score" if score else "/contact"
    for choice in shown:
        contact_id = int(choice["id"])
        label = _choice_label(choice, details.get(contact_id))
        answer.buttons.append([Button(label, contact_data(contact_id, score=score),
                                      hint=f"{label}: {command} #{contact_id}")])
    return answer


async def _contact_by_id(context: CommandContext, contact_id: int) -> int | Answer:
    try:
        await get_contact(context.reader, contact_id)
    except ContactNotFound:
        return text_answer(f"No contact has the id #{contact_id}; it may have been merged or deleted.")
    return contact_id


def _is_exact(contact: dict[str, Any], text: str) -> bool:
    folded = fold(text)
    return fold(contact["name"]) == folded or any(fold(h["handle"]) == folded for h in contact["handles"])


def _choice_label(contact: dict[str, Any], detail: str | None) -> str:
    """Return "Name · handle": the handle that distinguishes namesakes, else the first one."""
    label = shorten(contact["name"], MAX_LABEL_NAME_CHARS)
    if detail is None and contact["handles"]:
        detail = shorten(contact["handles"][0]["handle"], MAX_DETAIL_CHARS)
    return f"{label} · {detail}" if detail else label
