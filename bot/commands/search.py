"""`/search <query>`: interactions matching the shared query syntax, a page at a time."""

from __future__ import annotations

from typing import Any

from bot.answer import Answer, Button, Line, Span, bold, italic, text_answer
from bot.commands.callbacks import search_page_data
from bot.commands.context import CommandContext, CommandError
from bot.commands.namesakes import namesake_details
from bot.format import local_time, names_text, shorten, snippet_line, source_and_type
from hub.cursor import InvalidCursor
from hub.search.engine import search_interactions
from hub.search.syntax import QuerySyntaxError, SearchQuery, parse_query
from hub.storage.errors import QueryTimeout

PAGE_SIZE = 5
MAX_SUBJECT_CHARS = 120
MAX_QUERY_ECHO_CHARS = 80

USAGE = (
    "Send /search followed by words and filters, for example:\n"
    "/search dinner\n"
    '/search "new year" with:alice after:2024-01-01\n'
    "/search res* source:whatsapp type:call before:2024-06-30"
)

# Shown in place of the Next button where buttons cannot be pressed (`cardmunk-hub ask`).
MORE_RESULTS = "More results exist. Add words or a filter such as after: to narrow the search."


class SearchExpired(LookupError):
    """The search behind a paging button is no longer stored."""


async def run(arguments: str, context: CommandContext) -> Answer:
    text = arguments.strip()
    if not text:
        raise CommandError(USAGE)
    parse(text, context)
    session_id = context.sessions.start(text)
    return await page(context, session_id, 0)


def parse(text: str, context: CommandContext) -> SearchQuery:
    try:
        query = parse_query(text, context.zone)
    except QuerySyntaxError as exc:
        raise CommandError(f"Cannot read that search: {exc}.\n\n{USAGE}") from None
    if not (query.terms or query.sources or query.types or query.with_contacts
            or query.since or query.until):
        raise CommandError(f"That search has no words or filters to look for.\n\n{USAGE}")
    return query


async def page(context: CommandContext, session_id: str, number: int) -> Answer:
    """Return page `number` (from 0) of a stored search; raises SearchExpired."""
    session = context.sessions.get(session_id)
    if session is None or not 0 <= number < len(session.cursors):
        raise SearchExpired(session_id)

    query = parse(session.query, context)
    try:
        result = await search_interactions(context.reader, query, limit=PAGE_SIZE,
                                           cursor=session.cursors[number])
    except QueryTimeout:
        raise CommandError(
            "That search took too long. Add words, use a longer prefix or add a filter such as after:."
        ) from None
    except InvalidCursor:
        raise SearchExpired(session_id) from None
    if result.next_cursor and len(session.cursors) == number + 1:
        session.cursors.append(result.next_cursor)

    echo = shorten(session.query, MAX_QUERY_ECHO_CHARS)
    if not result.hits:
        if number == 0:
            return text_answer(
                [Span("No interactions match "), italic(echo), Span(".")],
                "Try fewer words, a prefix such as dinn*, or drop a filter.",
            )
        return text_answer([Span("No more results for "), italic(echo), Span(".")])

    first = number * PAGE_SIZE + 1
    answer = Answer()
    answer.add([bold(f"Results {first}–{first + len(result.hits) - 1}"), Span(" for "), italic(echo)])
    details = await namesake_details(
        context, [(contact["id"], contact["name"]) for hit in result.hits for contact in hit.get("contacts", [])]
    )
    for hit in result.hits:
        answer.add(*_hit_lines(hit, context, details))

    row: list[Button] = []
    if number > 0:
        row.append(Button("‹ Previous", search_page_data(session_id, number - 1)))
    if result.next_cursor:
        row.append(Button("Next ›", search_page_data(session_id, number + 1), hint=MORE_RESULTS))
    if row:
        answer.buttons.append(row)
    return answer


def _hit_lines(hit: dict[str, Any], context: CommandContext, details: dict[int, str]) -> list[Line]:
    heading: Line = [bold(local_time(hit["occurred_at"], context.zone)),
                     Span(f" · {source_and_type(hit['source'], hit['type'])}")]
    if hit.get("duration_seconds"):
        heading.append(Span(f" · {_duration(hit['duration_seconds'])}"))
    names = [_name_with_detail(contact, details) for contact in hit.get("contacts", [])]
    if names:
        heading.append(Span(f" · {names_text(names)}"))

    return [heading, *body_lines(hit)]


def _name_with_detail(contact: dict[str, Any], details: dict[int, str]) -> str:
    detail = details.get(contact["id"])
    return contact["name"] if detail is None else f"{contact['name']} ({detail})"


def body_lines(hit: dict[str, Any]) -> list[Line]:
    """Return the subject (italic) and the snippet, leaving out a snippet that only repeats the subject."""
    lines: list[Line] = []
    subject = shorten(hit.get("subject") or "", MAX_SUBJECT_CHARS)
    snippet = snippet_line(hit.get("snippet") or {})
    snippet_text = "".join(span.text for span in snippet)
    if subject and shorten(snippet_text, MAX_SUBJECT_CHARS) != subject:
        lines.append([italic(subject)])
    if snippet:
        lines.append(snippet)
    return lines


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
