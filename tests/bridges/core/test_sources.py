"""Lazy loading of format readers by module name."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bridges.core.sources import SOURCES, ReaderUnavailable, SourceSpec
from tests.bridges.core import jsonl_reader


def spec_for(module: str) -> SourceSpec:
    return SourceSpec(name="test", module=module, summary="s", files="f", example="e")


def test_loads_read_function() -> None:
    reader = spec_for("tests.bridges.core.jsonl_reader").load_reader()

    assert reader is jsonl_reader.read


def test_missing_module_named() -> None:
    with pytest.raises(ReaderUnavailable) as raised:
        spec_for("bridges.no_such_reader").load_reader()

    assert str(raised.value) == "the test reader is not installed (module bridges.no_such_reader not found)"


def test_missing_dependency_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "reader_with_missing_dependency.py").write_text("import no_such_library\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))

    with pytest.raises(ReaderUnavailable) as raised:
        spec_for("reader_with_missing_dependency").load_reader()

    assert "module no_such_library not found" in str(raised.value)
    sys.modules.pop("reader_with_missing_dependency", None)


def test_module_without_read() -> None:
    with pytest.raises(ReaderUnavailable) as raised:
        spec_for("bridges.core.summary").load_reader()

    assert "has no read(path, options) function" in str(raised.value)


def test_registry_names_match_modules() -> None:
    for name, spec in SOURCES.items():
        assert spec.name == name
        assert spec.module == f"bridges.{name}"
    assert [name for name, spec in SOURCES.items() if spec.accepts_stdin] == ["signal"]
