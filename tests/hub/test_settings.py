import tomllib
from pathlib import Path

import pytest

from hub.settings import Settings, SettingsError, iter_setting_names, load_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"


def _documented_names() -> set[str]:
    """Dotted names in config.example.toml, including commented-out `# key = value` lines."""
    names: set[str] = set()
    section = ""
    for line in EXAMPLE.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1]
            continue
        candidate = stripped.lstrip("#").strip()
        key, sep, _ = candidate.partition("=")
        if sep and key.strip().replace("_", "").isalnum() and key.strip() == key.strip().lower():
            names.add(f"{section}.{key.strip()}")
    return names


def test_every_setting_documented() -> None:
    missing = set(iter_setting_names()) - _documented_names()

    assert not missing, f"settings missing from config.example.toml: {sorted(missing)}"


def test_example_loads_to_defaults(tmp_path: Path) -> None:
    settings = load_settings(EXAMPLE)

    assert settings == Settings()
    assert tomllib.loads(EXAMPLE.read_text())


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    settings = load_settings(None)

    assert settings.database.path == Path("data/cardmunk.db")
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 8080)


def test_overrides_win(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[server]\nport = 9000\n')

    settings = load_settings(config, {"server.port": 9100, "server.host": None})

    assert settings.server.port == 9100


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[server]\nport = -1\n", "server.port"),
        ("[server]\nport = 'x'\n", "server.port"),
        ("[owner]\nhandles = ['me@example.com']\n", "owner.handles"),
        ("[owner]\nphone_region = 'Germany'\n", "owner.phone_region"),
        ("[nope]\nx = 1\n", "nope"),
        ("[server\n", "cannot read"),
        ("[logging]\nlevel = 'LOUD'\n", "logging.level"),
    ],
)
def test_invalid_config_names_setting(tmp_path: Path, text: str, fragment: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text)

    with pytest.raises(SettingsError, match=fragment.replace(".", r"\.")):
        load_settings(config)


def test_missing_explicit_config(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not found"):
        load_settings(tmp_path / "missing.toml")
