"""Finding the machine's IANA zone name and validating zone names."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.core.timezones import InvalidTimezone, choose_zone, load_zone, machine_zone_name


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        (":America/New_York", "America/New_York"),
        (":/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"),
        ("/usr/share/zoneinfo/posix/Europe/Paris", "Europe/Paris"),
    ],
)
def test_zone_from_tz_variable(tz: str, expected: str, tmp_path: Path) -> None:
    assert machine_zone_name({"TZ": tz}, tmp_path / "none", tmp_path / "none") == expected


def test_zone_from_localtime_link(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Australia/Sydney")
    timezone_file = tmp_path / "timezone"
    timezone_file.write_text("Europe/Lisbon\n", encoding="utf-8")

    assert machine_zone_name({}, link, timezone_file) == "Australia/Sydney"


def test_zone_from_timezone_file(tmp_path: Path) -> None:
    # A copied (not linked) /etc/localtime has no name; Debian's /etc/timezone has it.
    localtime = tmp_path / "localtime"
    localtime.write_bytes(b"TZif")
    timezone_file = tmp_path / "timezone"
    timezone_file.write_text("Europe/Lisbon\n", encoding="utf-8")

    assert machine_zone_name({"TZ": ""}, localtime, timezone_file) == "Europe/Lisbon"


def test_zone_unknown(tmp_path: Path) -> None:
    assert machine_zone_name({}, tmp_path / "none", tmp_path / "none") is None


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "/etc/passwd", "../zoneinfo/UTC", "Europe/", "Europe", "zone.tab"])
def test_invalid_zone_names_value(name: str) -> None:
    with pytest.raises(InvalidTimezone) as raised:
        load_zone(name)

    assert repr(name) in str(raised.value)


def test_option_beats_config_and_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")

    assert choose_zone("Europe/Berlin", "UTC").zone.key == "Europe/Berlin"
    assert choose_zone(None, "America/Bogota").zone.key == "America/Bogota"
    assert choose_zone(None, None).zone.key == "Asia/Tokyo"
    assert choose_zone(None, None).origin == "this machine"


def test_unknown_machine_zone_falls_back_to_utc(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("TZ", "Nowhere/Atlantis")

    chosen = choose_zone(None, None)

    assert chosen.zone.key == "UTC"
    assert chosen.origin == "fallback"
    assert "set --timezone" in caplog.text
