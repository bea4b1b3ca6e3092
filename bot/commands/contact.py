"""`/contact <name or handle>`: a contact's card, or buttons to pick among several matches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.answer import Answer, Button, Line, Span, bold, italic, text_answer
from bot.commands.callbacks import contact_data
from bot.commands.context import CommandContext, CommandError
from bot.commands.search import TYPE_LABELS, body_lines
from bot.format import MAX_NAME_CHARS, counts_text, local_date, local_time, shorten
from hub.contacts.queries import ContactNotFound, get_contact, interaction_counts, list_contacts
from hub.search.engine import search_interactions
from hub.search.syntax import SearchQuery
from hub.text import fold

MAX_CHOICES = 8
MAX_ARGUMENT_CHARS = 200
MAX_HANDLE_CHARS = 120

USAGE = (
    "Send /contact followed by a name, a handle or a part of one, for example:\n"
    "/contact alice\n"
    "/contact bob@example.com\n"
    "/contact +15550100"
)


async def run(arguments: str, context: CommandContext) -> Answer:
    picked = await pick_contact(arguments, context, usage=USAGE, score=False)
    if isinstance(picked, Answer):
        return picked
    return await card(context, picked)


async def pick_contact(arguments: str, context: CommandContext, *, usage: str, score: bool) -> int | Answer:
    """Return the id of the one contact `arguments` names, or an answer with choices or a notice."""
    text = arguments.strip()
    if not text:
        raise CommandError(usage)
    if len(text) > MAX_ARGUMENT_CHARS:
        raise CommandError(f"That name is {len(text)} characters long; give at most {MAX_ARGUMENT_CHARS}.")

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
    more = " (and more: type more of the name)" if len(matches) > MAX_CHOICES else ""
    answer.add(f"{len(shown)} contacts match{more}. Pick one:")
    answer.buttons = [[Button(_choice_label(c), contact_data(int(c["id"]), score=score))] for c in shown]
    return answer


def _is_exact(contact: dict[str, Any], text: str) -> bool:
    folded = fold(text)
    return fold(contact["name"]) == folded or any(fold(h["handle"]) == folded for h in contact["handles"])


def _choice_label(contact: dict[str, Any]) -> str:
    label = shorten(contact["name"], 40)
    if contact["handles"]:
        label += f" · {shorten(contact['handles'][0]['handle'], 40)}"
    return label


async def card(context: CommandContext, contact_id: int) -> Answer:
    """Return the contact's card: handles, score, last interaction, recent counts."""
    try:
        contact = await get_contact(context.reader, contact_id)
    except ContactNotFound:
        return text_answer("That contact no longer exists; it may have been merged or deleted.")

    answer = Answer()
    heading: list[Line] = [[bold(contact["name"])]]
    answer.add(*heading)

    if contact["handles"]:
        answer.add([bold("Handles")], *[[Span(f"{h['kind']}: {shorten(h['handle'], MAX_HANDLE_CHARS)}")]
                                         for h in contact["handles"]])

    latest = await search_interactions(context.reader, SearchQuery(), sort="time", limit=1,
                                       contact_id=contact_id)
    if latest.hits:
        answer.add(*_last_interaction_lines(latest.hits[0], context))

    now = context.now()
    last_30 = await interaction_counts(context.reader, contact_id, now - timedelta(days=30))
    last_365 = await interaction_counts(context.reader, contact_id, now - timedelta(days=365))
    answer.add(
        [bold("Last 30 days: "), Span(counts_text(last_30["by_type"]))],
        [bold("Last 365 days: "), Span(counts_text(last_365["by_type"]))],
        [bold("All time: "), Span(counts_text(contact["counts"]["by_type"]))],
        [bold("First interaction: "), Span(local_date(contact["first_interaction_at"], context.zone))],
    )
    return answer


def _last_interaction_lines(hit: dict[str, Any], context: CommandContext) -> list[Line]:
    lines: list[Line] = [[
        bold("Last interaction: "),
        Span(f"{local_time(hit['occurred_at'], context.zone)} · {hit['source']}"
             f" · {TYPE_LABELS.get(hit['type'], hit['type'])}"),
    ]]
    lines.extend(body_lines(hit))
    return lines
