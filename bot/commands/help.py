"""`/start` and `/help`: what the bot does, with examples."""

from __future__ import annotations

from bot.answer import Answer, Span, bold
from bot.commands.context import CommandContext


async def run(arguments: str, context: CommandContext) -> Answer:
    answer = Answer()
    answer.add([bold("Cardmunk")], "Search your interactions and look up your contacts.")
    answer.add(
        [bold("/search"), Span(" words and filters")],
        "/search dinner",
        '/search "new year" with:alice after:2024-01-01',
        "/search res* source:whatsapp type:call before:2024-06-30",
        "Filters: source:, type:, with: (a contact), after:, before: (dates YYYY-MM-DD). "
        "A word ending in * matches words starting with it.",
    )
    answer.add(
        [bold("/contact"), Span(" name, handle or a part of one")],
        "/contact alice",
        "/contact bob@example.com",
        "/contact #12 (a contact's id, shown where names repeat)",
    )
    answer.add(
        [bold("/score"), Span(" the contacts you are most in touch with, and those fading")],
        [bold("/score"), Span(" name: how a contact's score comes about, and its trend")],
    )
    return answer
