"""The fast validation path (InteractionFields) decides exactly as InteractionItem does."""

from typing import Any

import pytest
from pydantic import TypeAdapter

from hub.ingest.item import InteractionFields, InteractionItem, Participant, ParticipantFields
from hub.ingest.validate import OwnerHandles, _validate_with_model, validate_batch, validate_item
from tests.hub.conftest import interaction
from tests.hub.test_ingest import INVALID_CASES

OWNER = OwnerHandles(["email:me@example.com"], None)

# Edge cases beyond those of test_ingest: values lax mode converts, values right at a
# limit, and failures that only the Python validators of InteractionItem catch.
EDGE_CASES: list[dict[str, Any]] = [
    {"duration_seconds": 5.0},
    {"duration_seconds": 5.5},
    {"duration_seconds": "60"},
    {"duration_seconds": True},
    {"duration_seconds": 7 * 24 * 3600},
    {"duration_seconds": 7 * 24 * 3600 + 1},
    {"occurred_at": 1_700_000_000},
    {"occurred_at": "1900-01-01T00:00:00Z"},
    {"occurred_at": "1899-12-31T23:59:59+00:00"},
    {"occurred_at": "2099-12-31T23:59:59-01:00"},
    {"occurred_at": "2099-12-31T23:59:59.999999Z"},
    {"occurred_at": "2100-01-01T00:00:00Z"},
    {"occurred_at": "2100-01-01T00:59:59.999999+01:00"},
    {"occurred_at": "1900-01-01T00:00:00.000001+00:00"},
    {"occurred_at": "1899-12-31T23:59:59.999999Z"},
    {"occurred_at": "1900-01-01T00:30:00+00:31"},
    {"direction": None},
    {"direction": "outbound"},
    {"subject": None, "content": None, "thread_id": None},
    {"subject": "x" * 2000},
    {"subject": "x" * 2001},
    {"source_id": "nul\x00"},
    {"thread_id": "nul\x00"},
    {"subject": "nul\x00"},
    {"participants": []},
    {"participants": None},
    {"participants": [{"handle": "bob@example.com", "kind": "email", "name": None, "role": None}]},
    {"participants": [{"handle": "bob@example.com", "kind": "email", "name": "  "}]},
    {"participants": [{"handle": "bob@example.com", "kind": "email", "name": "B\x00b"}]},
    {"participants": [{"handle": "bob\x00@example.com", "kind": "email"}]},
    {"participants": [{"handle": "bob@example.com", "kind": "email", "name": "x" * 201}]},
    {"participants": [{"handle": "bob@example.com", "kind": "email", "extra": 1}]},
    {"participants": [{"handle": "bob@example.com", "kind": "email"}] * 501},
    {"participants": ["bob@example.com"]},
    {"metadata": {}},
    {"metadata": {"thread": "t1", "size": 3, "nested": {"a": [1, 2.5, None]}}},
    {"metadata": {"blob": "é" * 8000}},
    {"metadata": {"blob": "é" * 9000}},
    {"metadata": None},
    {"content": "nul\x00byte", "type": "letter"},
]


def _expected(raw: Any) -> Any:
    """Return what InteractionItem alone decides about `raw`."""
    if not isinstance(raw, dict):
        return validate_item(0, raw, OWNER)
    return _validate_with_model(0, raw, OWNER)


def _cases() -> list[dict[str, Any]]:
    changes = [change for change, _, _ in INVALID_CASES] + EDGE_CASES
    items = []
    for change in changes:
        item = interaction("case")
        item.update(change)
        items.append(item)
    return items


@pytest.mark.parametrize("item", _cases())
def test_fast_path_decides_like_model(item: dict[str, Any]) -> None:
    assert validate_item(0, item, OWNER) == _expected(item)


def test_batch_decides_like_each_item() -> None:
    items: list[Any] = [interaction("ok"), *_cases(), "text", [1], None]

    results = validate_batch(items, OWNER)

    assert results == [validate_item(index, raw, OWNER) for index, raw in enumerate(items)]


def test_all_valid_batch_decides_like_model() -> None:
    items = [interaction(f"v{i}", metadata={"n": i}) for i in range(5)]

    results = validate_batch(items, OWNER)

    expected = []
    for index, raw in enumerate(items):
        model_result = _validate_with_model(index, raw, OWNER)
        expected.append(model_result)
    assert results == expected


@pytest.mark.parametrize(("adapter", "model"), [(TypeAdapter(InteractionFields), InteractionItem),
                                                (TypeAdapter(ParticipantFields), Participant)])
def test_fields_mirror_model(adapter: TypeAdapter[Any], model: Any) -> None:
    fields = adapter.core_schema["fields"]
    required = {name for name, field in model.model_fields.items() if field.is_required()}

    assert set(fields) == set(model.model_fields)
    assert {name for name, field in fields.items() if field["required"]} == required


def test_valid_batch_skips_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("InteractionItem validated a valid item")

    monkeypatch.setattr(InteractionItem, "model_validate", fail)
    items = [interaction("a"), interaction("b", direction="inbound", duration_seconds=3, thread_id="t",
                                           metadata={"k": "v"})]

    results = validate_batch(items, OWNER)

    assert [type(result).__name__ for result in results] == ["ValidItem", "ValidItem"]
