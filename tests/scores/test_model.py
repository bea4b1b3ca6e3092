"""The score model's rules one by one: weights, decay, sessions, groups, keys, display."""

from __future__ import annotations

import math
from typing import Any

import pytest

from hub.scores.fading import _Fading
from hub.scores.model import Interaction, ScoreModel
from hub.scores.reading import FutureCorrections
from hub.scores.settings import ScoresSettings
from hub.scores.windows import Window
from hub.settings import Settings

T = 1_700_000_000
MINUTE = 60
DAY = 86_400
MODEL = ScoreModel(ScoresSettings())


def chat(id_: int, at: int, participants: int = 1, thread: str | None = "t", source: str = "signal") -> Interaction:
    return Interaction(id_, "message", source, at, thread, participants)


def test_default_weights_order() -> None:
    values = [MODEL.value(type_, 1) for type_ in ("meeting", "video_call", "call", "email", "message")]

    assert values == sorted(values, reverse=True)
    assert len(set(values)) == 5


def test_half_life_halves() -> None:
    assert MODEL.decay(90 * DAY) == pytest.approx(0.5)
    assert MODEL.decay(180 * DAY) == pytest.approx(0.25)


def test_future_dated_counts_in_full() -> None:
    assert MODEL.decay(-30 * DAY) == 1.0


@pytest.mark.parametrize(("participants", "expected"), [(0, 5.0), (1, 5.0), (4, 2.5), (9, 5 / 3)])
def test_group_exponent(participants: int, expected: float) -> None:
    assert MODEL.value("meeting", participants) == pytest.approx(expected)


def test_unknown_type_weighs_as_other() -> None:
    assert MODEL.value("fax", 1) == MODEL.value("other", 1)


@pytest.mark.parametrize(("gap_minutes", "sessions"), [(29, 1), (30, 2), (31, 2)])
def test_session_gap_is_strict(gap_minutes: int, sessions: int) -> None:
    units = MODEL.units([chat(1, T), chat(2, T + gap_minutes * MINUTE)])

    assert len(units) == sessions


def test_session_counts_at_last_message() -> None:
    units = MODEL.units([chat(1, T), chat(2, T + 10 * MINUTE), chat(3, T + 20 * MINUTE)])

    assert [(unit.interaction_id, unit.occurred_at, unit.value) for unit in units] == [(3, T + 20 * MINUTE, 1.0)]


def test_session_counts_most_valuable_message() -> None:
    # The last message went to a group of four; the earlier one-to-one message is worth more.
    units = MODEL.units([chat(1, T, participants=1), chat(2, T + 5 * MINUTE, participants=4)])

    assert [unit.interaction_id for unit in units] == [1]


def test_threads_and_sources_apart() -> None:
    units = MODEL.units([chat(1, T), chat(2, T + MINUTE, thread="other"), chat(3, T + 2 * MINUTE, source="telegram"),
                         chat(4, T + 3 * MINUTE, thread=None)])

    assert sorted(unit.interaction_id for unit in units) == [1, 2, 3, 4]


def test_burst_never_outweighs_meeting() -> None:
    burst = [chat(n, T + n * MINUTE) for n in range(500)]
    meeting = [Interaction(1000, "meeting", "meeting", T, None, 1)]

    assert sum(u.value for u in MODEL.units(burst)) < sum(u.value for u in MODEL.units(meeting))


def test_display_scale() -> None:
    assert MODEL.display(0.0) == 0
    assert MODEL.display(10.0) == round(100 * (1 - math.exp(-1)))
    assert MODEL.display(1e6) == 100


def test_key_round_trip() -> None:
    key, trusted = MODEL.combine(None, [(5.0, T), (3.0, T - 90 * DAY)])

    assert trusted
    assert MODEL.score_from_key(key, T) == pytest.approx(5.0 + 1.5)
    assert MODEL.score_from_key(key, T + 90 * DAY) == pytest.approx((5.0 + 1.5) / 2)


def test_key_removal_to_nothing_untrusted() -> None:
    key, _ = MODEL.combine(None, [(5.0, T)])

    assert MODEL.combine(key, [], [(5.0, T)]) == (None, False)


def test_key_survives_far_times() -> None:
    """Keys relative to the largest exponent: no overflow centuries apart."""
    key, trusted = MODEL.combine(None, [(1.0, 0), (1.0, 4_000_000_000)])

    assert trusted
    assert MODEL.score_from_key(key, 4_000_000_000) == pytest.approx(1.0)


def test_window_widens_until_sessions_whole() -> None:
    window = Window.around(T, T, 30 * MINUTE)

    wider = window.widened(window.low + MINUTE, T, 30 * MINUTE)
    closed = window.widened(window.low + 30 * MINUTE, window.high - 30 * MINUTE, 30 * MINUTE)

    assert wider is not None
    assert wider.low < window.low
    assert wider.high == window.high
    assert closed is None


@pytest.mark.parametrize("display_scale", [0.5, 10.0, 40.0])
@pytest.mark.parametrize("half_life_days", [7.0, 90.0, 400.0])
def test_fading_bound_peaks_where_walk_starts(display_scale: float, half_life_days: float) -> None:
    settings = Settings(scores=ScoresSettings(display_scale=display_scale, half_life_days=half_life_days))
    model = ScoreModel(settings.scores)
    fading = _Fading(model, settings, T, FutureCorrections(), past=None)  # type: ignore[arg-type]
    peak = fading.peak_key()

    def bound(past_key: float) -> Any:
        return fading.bound({"past_key": past_key})

    for offset in (60.0, DAY, 30 * DAY):
        assert bound(peak) >= bound(peak - offset) - 1e-12
        assert bound(peak) >= bound(peak + offset) - 1e-12
