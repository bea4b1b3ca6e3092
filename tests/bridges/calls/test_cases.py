"""Acceptance cases for the call log reader (tests/cases/calls-xml-*)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.calls import read
from bridges.core.records import InteractionItem, ReadOptions
from tests.bridges.casekit import assert_common, errors_of, interactions_of, load_case, read_records

CASE_IDS = ["calls-xml-surrogate-pair-char-refs", "calls-xml-withheld-and-unknown-numbers"]


def _counterpart(item: InteractionItem) -> tuple[str | None, str | None]:
    if not item.participants:
        return None, None
    (participant,) = item.participants
    return participant.handle, participant.name


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_interactions(case_id: str) -> None:
    case = load_case(case_id)
    records = read_records(read, case.input_paths, case.options(phone_region="US"))
    items = sorted(interactions_of(records), key=lambda item: item.occurred_at)

    assert errors_of(records) == []
    assert len(items) == case.expected["expected_count"]
    for item, expected in zip(items, case.expected["interactions"]):
        assert_common(item, expected)
        assert item.source == "phone"
        assert item.metadata["call_status"] == expected["call_status"]
        assert item.duration_seconds == expected["duration_seconds"]
        handle, name = _counterpart(item)
        assert handle == expected["counterpart"]
        if "counterpart_name" in expected:
            assert name == expected["counterpart_name"]
        assert item.metadata.get("counterpart_withheld", False) == expected.get("counterpart_withheld", False)
        assert item.metadata.get("presentation") == expected.get("presentation")


def test_surrogate_case_parses_whole_file() -> None:
    case = load_case("calls-xml-surrogate-pair-char-refs")
    records = read_records(read, case.input_paths, case.options())

    names = [item.participants[0].name for item in interactions_of(records)]
    assert names == ["Alice \U0001f600 Example", "Bob Example"]
    assert all("\ufffd" not in (name or "") for name in names)


def test_withheld_calls_keep_distinct_ids() -> None:
    case = load_case("calls-xml-withheld-and-unknown-numbers")
    items = interactions_of(read_records(read, case.input_paths, case.options()))

    assert len({item.source_id for item in items}) == 4
    withheld = [item for item in items if item.metadata.get("counterpart_withheld")]
    assert len(withheld) == 3
    assert all(item.participants == [] for item in withheld)


def test_unknown_contact_name_is_no_name() -> None:
    case = load_case("calls-xml-withheld-and-unknown-numbers")
    items = interactions_of(read_records(read, case.input_paths, case.options()))

    outgoing = [item for item in items if item.direction == "outbound"]
    assert len(outgoing) == 1
    assert outgoing[0].participants[0].handle == "+15550144"
    assert outgoing[0].participants[0].name is None


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_ids_independent_of_file_order(case_id: str, tmp_path: Path) -> None:
    case = load_case(case_id)
    (source,) = case.input_paths
    original = Path(source).read_text(encoding="utf-8").splitlines()
    calls = [line for line in original if line.lstrip().startswith("<call ")]
    reordered = [line for line in original if line not in calls]
    closing = reordered.index("</calls>")
    reordered[closing:closing] = list(reversed(calls))
    copy = tmp_path / Path(source).name
    copy.write_text("\n".join(reordered) + "\n", encoding="utf-8")

    ids = {item.source_id for item in interactions_of(read(source, ReadOptions()))}
    reordered_ids = {item.source_id for item in interactions_of(read(str(copy), ReadOptions()))}
    assert len(ids) == len(calls)
    assert reordered_ids == ids
