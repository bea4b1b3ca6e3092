"""Properties of the score model and of its storage, over generated interaction histories."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from hub.scores.model import Interaction, ScoreModel, score_as_of
from hub.scores.settings import ScoresSettings
from tests.scores.lab import START, Lab, assert_scores_close, message

HANDLES = ["+15550101", "+15550102", "+15550103", "+15550104"]
TYPES = ["message", "message", "message", "email", "call", "video_call", "meeting", "other"]
DAY = 86_400
# Gaps between consecutive generated interactions, in seconds: around the 30-minute
# session gap (so sessions join, bridge and stay apart), plus longer pauses.
GAPS = st.sampled_from([0, 59, 600, 1799, 1800, 1801, 2399, 3600, DAY, 9 * DAY, 20 * DAY])
SLOW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def interactions(draw: Any, at: int) -> dict[str, Any]:
    type_ = draw(st.sampled_from(TYPES))
    people = draw(st.lists(st.sampled_from(HANDLES), min_size=1, max_size=3, unique=True))
    thread = draw(st.sampled_from(["chat-a", "chat-a", "chat-a", "chat-b", None])) if type_ == "message" else None
    source = draw(st.sampled_from(["whatsapp", "whatsapp", "signal"])) if type_ == "message" else "phone"
    return message(f"id-{draw(st.uuids())}", at, people, thread=thread, type_=type_, source=source)


@st.composite
def histories(draw: Any) -> list[dict[str, Any]]:
    """Interactions in time order; some end up dated after the ingestion time."""
    at = START + draw(st.integers(min_value=0, max_value=DAY))
    items = []
    for _ in range(draw(st.integers(min_value=1, max_value=25))):
        at += draw(GAPS)
        items.append(draw(interactions(at)))
    return items


@st.composite
def extra_interaction(draw: Any) -> dict[str, Any]:
    return draw(interactions(START + draw(st.integers(min_value=0, max_value=4 * DAY))))


@st.composite
def batches(draw: Any) -> list[list[dict[str, Any]]]:
    """A history, shuffled and cut into batches: ingestion order is arbitrary."""
    items = draw(st.permutations(draw(histories())))
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=len(items)), max_size=5)))
    bounds = [0, *cuts, len(items)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


@SLOW
@given(batches(), st.lists(st.integers(min_value=0, max_value=25 * DAY), min_size=1, max_size=6),
       st.booleans())
def test_incremental_equals_recompute(parts: list[list[dict[str, Any]]], steps: list[int],
                                      recompute_first: bool) -> None:
    with Lab() as lab:
        now = START + DAY
        if recompute_first:
            lab.recompute(now)  # sets past_until, as the hub does at its first start
        for number, batch in enumerate(parts):
            now += steps[number % len(steps)]
            lab.ingest(batch, now)
            if number % 2:
                lab.refresh(now + 60)
        now += 3600

        assert_scores_close(lab.stored(now), lab.reference(now))
        assert_scores_close(lab.recomputed(now), lab.reference(now))
        for later in (now, now + 20 * DAY, now + 45 * DAY):
            ranked = lab.ranked(later)
            assert_scores_close({c: score for c, (score, _) in ranked.items()}, lab.reference(later))
            past = {c: before for c, (_, before) in ranked.items() if before > 0}
            expected_past = {c: v for c, v in lab.reference_as_of(later - 30 * DAY).items() if v > 0}
            assert_scores_close(past, expected_past)
            lab.refresh(later + DAY)


@pytest.mark.parametrize("refresh_days", [None, 5, 40])
def test_past_scores_after_late_ingestion(refresh_days: int | None) -> None:
    """Interactions older than past_until arriving late, with past_until moved or not."""
    with Lab() as lab:
        now = START + 100 * DAY
        lab.ingest([message("a", START + 10 * DAY, ["+15550101"], type_="meeting", thread=None),
                    message("b", now - 50 * DAY, ["+15550101"])], now)
        lab.recompute(now)
        lab.ingest([message("c", START + 20 * DAY, ["+15550101"], type_="call", thread=None),
                    message("d", now - 50 * DAY + 600, ["+15550101"]),
                    message("e", now - 20 * DAY, ["+15550102"], type_="call", thread=None),
                    message("f", now - 25 * DAY - 600, ["+15550102"], type_="email", thread=None)], now)
        later = now + (refresh_days or 0) * DAY
        if refresh_days is not None:
            lab.refresh(later)

        ranked = lab.ranked(later + 3600)
        expected = lab.reference_as_of(later + 3600 - 30 * DAY)

    assert_scores_close({c: before for c, (_, before) in ranked.items()}, expected)


@SLOW
@given(histories(), extra_interaction())
def test_adding_never_lowers(history: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    now = START + 10 * DAY
    with Lab() as lab:
        lab.ingest(history, now)
        before = lab.stored(now)
        sessions_before = _session_counts(lab)
        lab.ingest([extra], now)
        after = lab.stored(now)
        sessions_after = _session_counts(lab)

    # A message that bridges two sessions of a contact makes them one unit: the one
    # documented case where a score may drop.
    assume(all(sessions_after.get(key, 0) >= count for key, count in sessions_before.items()))
    for contact_id, score in before.items():
        assert after[contact_id] >= score * (1 - 1e-12)


def test_bridging_message_merges_sessions() -> None:
    with Lab() as lab:
        first = message("a", START, ["+15550101"])
        second = message("b", START + 40 * 60, ["+15550101"])
        lab.ingest([first, second], START + DAY)
        contact = lab.contact_of("+15550101")
        two_sessions = lab.stored(START + DAY)[contact]

        lab.ingest([message("c", START + 20 * 60, ["+15550101"])], START + DAY)
        one_session = lab.stored(START + DAY)[contact]

    model = ScoreModel(ScoresSettings())
    assert two_sessions == pytest.approx(model.decay(DAY) + model.decay(DAY - 40 * 60), rel=1e-12)
    assert one_session == pytest.approx(model.decay(DAY - 40 * 60), rel=1e-12)


@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=1, max_value=10**8),
       st.sampled_from(TYPES), st.integers(min_value=1, max_value=50))
def test_older_counts_less(age: int, extra_age: int, type_: str, participants: int) -> None:
    model = ScoreModel(ScoresSettings())
    now = START + 2 * 10**8
    newer = model.units([Interaction(1, type_, "phone", now - age, None, participants)])
    older = model.units([Interaction(2, type_, "phone", now - age - extra_age, None, participants)])

    assert model.contribution(older[0], now) < model.contribution(newer[0], now)
    assert model.contribution(newer[0], now) <= model.value(type_, participants)


@SLOW
@given(st.lists(st.sampled_from(TYPES), min_size=2, max_size=2), st.integers(min_value=60, max_value=400 * DAY))
def test_older_counts_less_stored(types: list[str], gap: int) -> None:
    now = START + 500 * DAY
    with Lab() as lab:
        lab.ingest([message("old", now - 450 * DAY, ["+15550101"], type_=types[0], thread=None),
                    message("new", now - 450 * DAY + gap, ["+15550102"], type_=types[0], thread=None)], now)
        scores = lab.stored(now)
        older, newer = scores[lab.contact_of("+15550101")], scores[lab.contact_of("+15550102")]

    assert older < newer


@SLOW
@given(histories())
def test_merge_equals_one_contact(history: list[dict[str, Any]]) -> None:
    now = START + 5 * DAY
    first, second = HANDLES[0], HANDLES[1]
    assume(any(first in _handles(item) for item in history) and any(second in _handles(item) for item in history))

    with Lab() as separate:
        separate.ingest(history, now)
        target, source = separate.contact_of(first), separate.contact_of(second)
        separate.merge(target, source, now)
        merged = separate.stored(now)
        merged_reference = separate.reference(now)
        merged_score = merged[target]

    with Lab() as together:
        together.write(lambda connection: connection.execute(
            "INSERT INTO contacts (id, name, search_name, created_at) VALUES (1, 'One', 'one', 0)"))
        together.write(lambda connection: connection.executemany(
            "INSERT INTO handles (kind, value, contact_id) VALUES ('phone', ?, 1)", [(first,), (second,)]))
        together.ingest(history, now)
        always_one = together.stored(now)[together.contact_of(first)]

    assert_scores_close(merged, merged_reference)
    assert abs(merged_score - always_one) <= 1e-9 * max(1.0, always_one)


def _handles(item: dict[str, Any]) -> set[str]:
    return {participant["handle"] for participant in item["participants"]}


def _session_counts(lab: Lab) -> dict[tuple[int, str, str], int]:
    """Number of sessions per (contact, source, thread)."""
    counts: dict[tuple[int, str, str], int] = {}
    rows = lab.connection.execute(
        "SELECT DISTINCT h.contact_id, i.id, i.type, i.source, i.occurred_at, i.thread_id, i.participant_count"
        " FROM interactions i JOIN interaction_participants p ON p.interaction_id = i.id"
        " JOIN handles h ON h.id = p.handle_id WHERE i.type = 'message' AND i.thread_id IS NOT NULL").fetchall()
    threads: dict[tuple[int, str, str], list[Interaction]] = {}
    for row in rows:
        threads.setdefault((row[0], row[3], row[5]), []).append(Interaction(*row[1:]))
    for key, messages in threads.items():
        counts[key] = len(lab.model.session_units(messages))
    return counts



@st.composite
def long_histories(draw: Any) -> list[dict[str, Any]]:
    """Interactions with 30 people over about 200 days, for the fading list."""
    items = []
    for number in range(draw(st.integers(min_value=1, max_value=80))):
        at = START + draw(st.integers(min_value=0, max_value=200 * DAY))
        people = draw(st.lists(st.sampled_from(MANY_HANDLES), min_size=1, max_size=2, unique=True))
        type_ = draw(st.sampled_from(TYPES))
        thread = draw(st.sampled_from(["chat-a", None])) if type_ == "message" else None
        items.append(message(f"long-{number}", at, people, thread=thread, type_=type_))
    return items


MANY_HANDLES = [f"+155502{n:02d}" for n in range(30)]


@SLOW
@given(long_histories(), st.integers(min_value=100, max_value=260), st.integers(min_value=1, max_value=5),
       st.booleans(), st.sampled_from([0.5, 2.0, 10.0]))
def test_fading_matches_every_contact(history: list[dict[str, Any]], day: int, limit: int, refreshed: bool,
                                      display_scale: float) -> None:
    now = START + day * DAY
    # Small display scales put contacts on both sides of the score that falls the most.
    with Lab(ScoresSettings(display_scale=display_scale)) as lab:
        lab.ingest(history, START)
        lab.recompute(START + 10 * DAY)
        if refreshed:
            lab.refresh(now - 3 * DAY)
        fading = lab.ranked_body(now, limit=1, fading_limit=limit)["fading"]
        everything = _fading_reference(lab, now)
    expected = everything[:limit]

    # Contacts sharing the same interactions fall by the same amount up to rounding, so
    # compare the falls position by position and each listed contact's own values.
    reference = {contact_id: (reason, before, drop) for contact_id, reason, before, drop in everything}
    assert len(fading) == len(expected)
    for entry, (_, _, _, expected_drop) in zip(fading, expected):
        reason, before, drop = reference[entry["contact_id"]]
        assert entry["reason"] == reason
        assert entry["score_30_days_ago"] == pytest.approx(before, rel=1e-9, abs=1e-12)
        assert drop == pytest.approx(expected_drop, rel=1e-9, abs=1e-12)


def _fading_reference(lab: Lab, now: int) -> list[tuple[int, str, float, float]]:
    """Every fading contact as (id, reason, score 30 days ago, fall), largest fall first,
    computed from every contact's units straight from the model."""
    model, scores = lab.model, lab.settings.scores
    last = lab.last_interactions()
    rows = []
    for contact_id, units in lab.units().items():
        score = sum(model.contribution(unit, now) for unit in units)
        if score <= 0:
            continue
        before = score_as_of(model, units, now - 30 * DAY)
        silent = (last[contact_id] <= now - scores.fading_days * DAY
                  and model.display(score_as_of(model, units, last[contact_id])) >= scores.strong_display)
        if silent:
            reason = "silent"
        elif model.display(before) - model.display(score) >= 1:
            reason = "falling"
        else:
            continue
        drop = 100 * (math.exp(-score / model.display_scale) - math.exp(-before / model.display_scale))
        rows.append((contact_id, reason, before, drop))
    rows.sort(key=lambda row: (-row[3], row[0]))
    return rows
