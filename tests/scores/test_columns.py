"""The column-wise full recompute and the batched hook against the model, on the cases their fast paths skip."""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
from hypothesis import given

from hub.scores import columns
from hub.scores.settings import ScoresSettings, ScoreWeights
from tests.scores.lab import START, Lab, assert_scores_close, message
from tests.scores.test_properties import SLOW, histories

DAY = 86_400


def _recomputed_matches_model(lab: Lab, now: int) -> None:
    assert_scores_close(lab.recomputed(now), lab.reference(now))
    assert_scores_close(lab.recomputed(now + 40 * DAY), lab.reference(now + 40 * DAY))


@SLOW
@given(histories())
def test_recompute_in_small_chunks(history: list[dict[str, Any]]) -> None:
    with Lab() as lab, mock.patch.object(columns, "CHUNK_ROWS", 3):
        lab.ingest(history, START + 2 * DAY)
        _recomputed_matches_model(lab, START + 3 * DAY)


def test_recompute_with_gaps_in_ids() -> None:
    with Lab() as lab, mock.patch.object(columns, "CHUNK_ROWS", 4):
        items = [message(f"m{n}", START + n * 600, ["+15550101", "+15550102"][n % 2:n % 2 + 1])
                 for n in range(20)]
        lab.ingest(items, START + DAY)
        # With ids 5 to 8 gone, the range after (0, 4] starts at id 9.
        lab.write(lambda connection: connection.execute(
            "DELETE FROM interactions WHERE id IN (2, 3, 5, 6, 7, 8, 11, 17)"))
        _recomputed_matches_model(lab, START + DAY)


def test_recompute_with_few_ids_far_apart() -> None:
    with Lab() as lab, mock.patch.object(columns, "CHUNK_ROWS", 4):
        items = [message(f"m{n}", START + n * 600, ["+15550101"], thread=None if n % 3 else "chat",
                         type_="message" if n % 3 == 0 else "call") for n in range(40)]
        lab.ingest(items, START + DAY)
        lab.write(lambda connection: connection.execute("DELETE FROM interactions WHERE id BETWEEN 4 AND 39"))
        _recomputed_matches_model(lab, START + DAY)


def test_recompute_with_ids_too_large_to_pack() -> None:
    with Lab() as lab:
        lab.ingest([message("a", START, ["+15550101"]), message("b", START + 60, ["+15550101"]),
                    message("c", START + 120, ["+15550102"], thread=None, type_="call")], START + DAY)
        lab.connection.execute("PRAGMA foreign_keys = OFF")
        for connection_sql in ("UPDATE interactions SET id = id + ? WHERE source_id IN ('b', 'c')",
                               "UPDATE interaction_participants SET interaction_id = interaction_id + ?"
                               " WHERE interaction_id > 1"):
            lab.write(lambda connection, sql=connection_sql: connection.execute(sql, (2 ** 61,)))
        lab.connection.execute("PRAGMA foreign_keys = ON")
        _recomputed_matches_model(lab, START + DAY)


def test_recompute_without_chat_messages() -> None:
    with Lab() as lab:
        lab.ingest([message("a", START, ["+15550101"], thread=None, type_="meeting"),
                    message("b", START + 60, ["+15550101"], thread=None)], START + DAY)
        _recomputed_matches_model(lab, START + DAY)


def test_distinct_pairs_in_any_order() -> None:
    position = np.array([3, 1, 3, 2, 1, 3], dtype=np.int64)
    contact = np.array([7, 5, 7, 5, 5, 8], dtype=np.int64)

    distinct = columns._distinct_pairs(position, contact)

    assert sorted(zip(distinct[0].tolist(), distinct[1].tolist())) == [(1, 5), (2, 5), (3, 7), (3, 8)]


def test_recompute_with_values_too_large_to_pack() -> None:
    with Lab() as lab:
        lab.ingest([message("a", START, ["+15550101"], thread=None, type_="meeting"),
                    message("b", START + 60, ["+15550101"]),
                    message("c", START + 120, ["+15550101"]),
                    message("d", START + 180, ["+15550102"], thread=None, type_="call")], START + DAY)
        lab.write(lambda connection: connection.execute(
            "UPDATE interactions SET participant_count = 12345678901 WHERE source_id IN ('a', 'b')"))
        lab.write(lambda connection: connection.execute(
            "UPDATE interactions SET occurred_at = ? WHERE source_id = 'd'", (2 ** 40,)))
        _recomputed_matches_model(lab, START + DAY)


def test_recompute_value_table_by_unique() -> None:
    with Lab() as lab, mock.patch.object(columns, "_DENSE_VALUE_TABLE", 1):
        lab.ingest([message("a", START, ["+15550101", "+15550102"], thread=None, type_="email"),
                    message("b", START + 60, ["+15550101", "+15550103", "+15550104"]),
                    message("c", START + 120, ["+15550101"])], START + DAY)
        _recomputed_matches_model(lab, START + DAY)


def test_recompute_thread_id_in_two_sources() -> None:
    with Lab() as lab:
        lab.ingest([message("a", START, ["+15550101"], thread="same", source="whatsapp"),
                    message("b", START + 60, ["+15550101"], thread="same", source="signal"),
                    message("c", START + 120, ["+15550101"], thread="same", source="whatsapp")], START + DAY)
        _recomputed_matches_model(lab, START + DAY)
        assert len(lab.units()[lab.contact_of("+15550101")]) == 2


def test_recompute_contact_with_two_handles() -> None:
    with Lab() as lab:
        lab.ingest([message("a", START, ["+15550101", "+15550102"]),
                    message("b", START + 60, ["+15550101", "+15550102"]),
                    message("c", START + 120, ["+15550101", "+15550102"], thread=None, type_="meeting")],
                   START + DAY)
        target, source = lab.contact_of("+15550101"), lab.contact_of("+15550102")
        lab.merge(target, source, START + DAY)
        _recomputed_matches_model(lab, START + DAY)
        assert len(lab.units()[target]) == 2


def test_zero_weights_in_hook_and_recompute() -> None:
    settings = ScoresSettings(weights=ScoreWeights(message=0.0, call=0.0))
    with Lab(settings) as lab:
        lab.ingest([message("a", START, ["+15550101"]),
                    message("b", START + 60, ["+15550101"], thread=None, type_="call"),
                    message("c", START + 120, ["+15550101"], thread=None, type_="meeting"),
                    message("d", START + 180, ["+15550102"])], START + DAY)
        lab.ingest([message("e", START + 240, ["+15550101"]), message("f", START + 9000, ["+15550102"])],
                   START + DAY)

        assert_scores_close(lab.stored(START + DAY), lab.reference(START + DAY))
        _recomputed_matches_model(lab, START + DAY)
        assert lab.contact_of("+15550102") not in lab.stored(START + DAY)
