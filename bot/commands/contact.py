"""`/contact <name or handle>`: a contact's card, or buttons to pick among several matches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.answer import Answer, Line, Span, bold, text_answer
from bot.commands import score
from bot.commands.context import CommandContext
from bot.commands.picking import pick_contact
from bot.commands.search import body_lines
from bot.format import counts_text, local_date, local_time, shorten, source_and_type
from hub.contacts.queries import ContactNotFound, get_contact, interaction_counts
from hub.search.engine import search_interactions
from hub.search.syntax import SearchQuery

MAX_HANDLE_CHARS = 120

USAGE = (
    "Send /contact followed by a name, a handle or a part of one, for example:\n"
    "/contact alice\n"
    "/contact bob@example.com\n"
    "/contact +15550100\n"
    "/contact #12 (a contact's id, shown where names repeat)"
)


async def run(arguments: str, context: CommandContext) -> Answer:
    picked = await pick_contact(arguments, context, usage=USAGE, score=False)
    if isinstance(picked, Answer):
        return picked
    return await card(context, picked)


async def card(context: CommandContext, contact_id: int) -> Answer:
    """Return the contact's card: handles, score, last interaction, recent counts."""
    try:
        contact = await get_contact(context.reader, contact_id)
    except ContactNotFound:
        return text_answer("That contact no longer exists; it may have been merged or deleted.")

    answer = Answer()
    heading: list[Line] = [[bold(contact["name"])]]
    contact_score = await score.contact_score(context, contact_id)
    if contact_score is not None:
        heading.append(score.score_line(contact_score))
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
        Span(f"{local_time(hit['occurred_at'], context.zone)} · {source_and_type(hit['source'], hit['type'])}"),
    ]]
    lines.extend(body_lines(hit))
    return lines
