"""The config file: parsing, per-source tables, and the example file documenting every key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridges.core.config import ConfigError, ConfigFile, SourceSettings, default_config_path, parse_config
from bridges.core.sources import SOURCES
from tests.bridges.core.clirun import REPO_ROOT

EXAMPLE = REPO_ROOT / "bridge.example.toml"


def test_example_file_is_valid() -> None:
    config = parse_config(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))

    assert config.hub == "http://127.0.0.1:8080"
    assert config.for_source("whatsapp").me == ["alice@example.com", "+15550100", "Alice Example"]


def test_example_documents_every_key() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    documented = set(re.findall(r"^(\w+) = ", text, re.MULTILINE))

    assert documented == set(SourceSettings.model_fields)
    for source in SOURCES:
        assert f"[{source}]" in text


def test_every_source_has_a_table() -> None:
    assert set(SOURCES) <= set(ConfigFile.model_fields)


def test_source_table_overrides_top_level() -> None:
    config = parse_config(
        'timezone = "UTC"\nbatch_size = 100\nme = ["a@example.com"]\n'
        '[whatsapp]\ntimezone = "Europe/Berlin"\nme = ["Alice"]\n',
        "test.toml",
    )

    whatsapp = config.for_source("whatsapp")
    email = config.for_source("email")

    assert whatsapp.timezone == "Europe/Berlin"
    assert whatsapp.batch_size == 100
    assert whatsapp.me == ["a@example.com", "Alice"]
    assert email.timezone == "UTC"
    assert email.me == ["a@example.com"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[whatsapp]\ntoken = 'x'\n", "unknown key 'whatsapp.token' (the token is read from CARDMUNK_TOKEN only)"),
        ("[matrix]\nme = []\n", "unknown key 'matrix'"),
        ("batch_size = 0\n", "batch_size: Input should be greater than or equal to 1"),
        ("me = 'alice'\n", "me: Input should be a valid list"),
        ("hub = [\n", "not valid TOML"),
    ],
)
def test_invalid_config_message(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "test.toml")

    assert message in str(raised.value)
    assert "test.toml" in str(raised.value)


def test_default_path_follows_xdg(tmp_path: Path) -> None:
    assert default_config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "cardmunk" / "bridge.toml"
    assert default_config_path({}) == Path.home() / ".config" / "cardmunk" / "bridge.toml"
