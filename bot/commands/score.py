"""`/score`: the contacts with the highest activity scores and the fading ones.
`/score <name>`: how one contact's score comes about, and its 12-month trend.
"""

from __future__ import annotations

from typing import Any

from bot.answer import Answer, Line, Span, bold, italic, text_answer
from bot.commands.context import CommandContext
from bot.commands.picking import pick_contact
from bot.commands.namesakes import namesake_details
from bot.format import MAX_NAME_CHARS, local_date, local_time, shorten, source_and_type, sparkline
from hub.contacts.queries import ContactNotFound
from hub.scores.queries import ranked_scores, score_breakdown

TOP_LIMIT = 10
FADING_LIMIT = 5
TOP_INTERACTIONS = 5
TYPE_NAMES = {"video_call": "video call"}

USAGE = (
    "Send /score alone for your top contacts, or /score followed by a name, for example:\n"
    "/score\n"
    "/score alice"
)


async def run(arguments: str, context: CommandContext) -> Answer:
    if not arguments.strip():
        return await ranking(context)
    picked = await pick_contact(arguments, context, usage=USAGE, score=True)
    if isinstance(picked, Answer):
        return picked
    return await breakdown(context, picked)


def _now(context: CommandContext) -> int:
    return int(context.now().timestamp())


async def ranking(context: CommandContext) -> Answer:
    result = await ranked_scores(context.reader, context.settings, now=_now(context), limit=TOP_LIMIT,
                                 fading_limit=FADING_LIMIT)
    if not result["scores"]:
        return text_answer("No scores yet: scores grow from the interactions the bridges push.")

    answer = Answer()
    details = await namesake_details(
        context, [(entry["contact_id"], entry["name"]) for entry in [*result["scores"], *result["fading"]]]
    )
    top: list[Line] = [[bold("Top contacts"), Span(" (score 0-100, change over 30 days)")]]
    for entry in result["scores"]:
        top.append([Span(f"{entry['rank']}. "), *_name_spans(entry, details),
                    Span(f" {entry['display']}{_change(entry)}")])
    answer.add(*top)

    if result["fading"]:
        fading: list[Line] = [[bold("Fading")]]
        for entry in result["fading"]:
            fading.append([*_name_spans(entry, details), Span(f" {entry['display']} · "),
                           italic(_fading_reason(entry))])
        answer.add(*fading)
    answer.add("Send /score and a name to see how a score comes about.")
    return answer


def _name_spans(entry: dict[str, Any], details: dict[int, str]) -> Line:
    spans: Line = [bold(shorten(entry["name"], MAX_NAME_CHARS))]
    detail = details.get(entry["contact_id"])
    if detail is not None:
        spans.append(Span(f" ({detail})"))
    return spans


def _change(entry: dict[str, Any]) -> str:
    """Return the change of the 0-100 score over 30 days as " (+5)", " (-3)" or " (±0)"."""
    change = entry["display"] - entry["display_30_days_ago"]
    if change == 0:
        return " (±0)"
    return f" ({change:+d})"


def _fading_reason(entry: dict[str, Any]) -> str:
    days = entry.get("days_since_last_interaction")
    if entry["reason"] == "silent" and days is not None:
        return f"silent for {days} days"
    return f"down from {entry['display_30_days_ago']} a month ago"


async def contact_score(context: CommandContext, contact_id: int) -> dict[str, Any] | None:
    """Return the contact's score breakdown, or None for an unknown contact."""
    try:
        return await score_breakdown(context.reader, context.settings, contact_id, now=_now(context))
    except ContactNotFound:
        return None


def score_line(score: dict[str, Any]) -> Line:
    if score["rank"] is None:
        return [Span("Score 0/100 · no interactions yet")]
    return [Span(f"Score {score['display']}/100 · rank {score['rank']}")]


async def breakdown(context: CommandContext, contact_id: int) -> Answer:
    score = await contact_score(context, contact_id)
    if score is None:
        return text_answer("That contact no longer exists; it may have been merged or deleted.")

    answer = Answer()
    answer.add([bold(score["name"])], score_line(score))

    trend = score["trend"]
    if trend:
        answer.add(
            [bold("Last 12 months: "), Span(sparkline([point["display"] for point in trend], low=0, high=100))],
            f"{trend[0]['month']}: {trend[0]['display']} → {trend[-1]['month']}: {trend[-1]['display']}",
        )

    shares: list[Line] = []
    for title, parts in (("By type: ", score["by_type"]), ("By source: ", score["by_source"])):
        if score["score"] > 0 and parts:
            shares.append([bold(title), Span(_shares_text(parts, score["score"]))])
    if shares:
        answer.add(*shares)

    if score["top_interactions"]:
        lines: list[Line] = [[bold("Counting most")]]
        for item in score["top_interactions"][:TOP_INTERACTIONS]:
            lines.append(_interaction_line(item, context))
        answer.add(*lines)

    last = score["last_interaction"]
    if last is not None:
        answer.add([bold("Last interaction: "), Span(local_date(last["occurred_at"], context.zone))])
    return answer


def _shares_text(parts: dict[str, float], total: float) -> str:
    ordered = sorted(parts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{TYPE_NAMES.get(name, name)} {round(100 * value / total)}%" for name, value in ordered)


def _interaction_line(item: dict[str, Any], context: CommandContext) -> Line:
    line: Line = [Span(f"{local_time(item['occurred_at'], context.zone)}"
                       f" · {source_and_type(item['source'], item['type'])}")]
    if item.get("subject"):
        line.extend([Span(" · "), italic(shorten(item["subject"], 80))])
    return line
