"""`cardmunk-bridge` in-process: help, usage errors, --dry-run output and --since."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bridges.cli import main
from bridges.core.records import InteractionItem
from bridges.core.sources import SOURCES, SourceSpec
from tests.bridges.core.bridge_with_test_reader import TEST_SOURCES
from tests.bridges.core.jsonl_reader import make_item, write_lines


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep config, state and the default dead-letter file inside tmp_path."""
    monkeypatch.delenv("CARDMUNK_TOKEN", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, sources: dict[str, SourceSpec] = TEST_SOURCES) -> int:
    return main(list(args), sources=sources)


def dry_run_items(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[InteractionItem], str]:
    status = run(*args, "--dry-run", "--no-progress")
    captured = capsys.readouterr()
    items = [InteractionItem.model_validate(json.loads(line)) for line in captured.out.splitlines()]
    return status, items, captured.err


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_help_describes_files(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([source, "--help"])
    text = " ".join(capsys.readouterr().out.split())

    assert exited.value.code == 0
    assert " ".join(SOURCES[source].files.split()) in text
    for option in ("--dry-run", "--since", "--me", "--timezone", "--checkpoint", "--dead-letter"):
        assert option in text
    assert "CARDMUNK_TOKEN" in text


def test_top_level_help_lists_sources(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out

    for source in SOURCES:
        assert f"    {source} " in text


def test_missing_token_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(1)])

    status = run("jsonl", path, "--no-progress")

    assert status == 2
    assert "CARDMUNK_TOKEN" in capsys.readouterr().err


def test_dry_run_needs_no_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(number) for number in range(3)])

    status, items, _ = dry_run_items(capsys, "jsonl", path)

    assert status == 0
    assert [item.source_id for item in items] == ["test-0", "test-1", "test-2"]


def test_dry_run_output_is_item_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = [
        make_item(1),
        make_item(2, participants=[{"handle": "+15550100", "kind": "phone", "role": "from"}]),
        make_item(3, subject="Lunch", thread_id="chat-1", metadata={"has_media": True}),
    ]
    path = write_lines(tmp_path / "items.jsonl", written)

    status, items, _ = dry_run_items(capsys, "jsonl", path, "--me", "+15550100")

    assert status == 0
    assert [item.source_id for item in items] == ["test-1", "test-2", "test-3"]
    assert items[1].direction == "outbound"
    assert items[1].participants == []
    assert items[2].metadata == {"has_media": True}
    assert items[0].to_json_dict() == InteractionItem.model_validate(written[0]).to_json_dict()


def test_dry_run_writes_no_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(1), "not json"])

    status, items, _ = dry_run_items(capsys, "jsonl", path)

    assert status == 1
    assert len(items) == 1
    assert not (tmp_path / "state").exists()
    assert not (tmp_path / "cardmunk-rejected.jsonl").exists()


@pytest.mark.parametrize(
    ("since", "zone", "expected"),
    [
        ("2024-03-01", "UTC", ["test-0", "test-30", "test-90"]),
        ("2024-03-01T09:30:00Z", "UTC", ["test-30", "test-90"]),
        ("2024-03-01T09:30", "UTC", ["test-30", "test-90"]),
        # 10:30 in Berlin (UTC+1 in March) is 09:30 UTC.
        ("2024-03-01T10:30", "Europe/Berlin", ["test-30", "test-90"]),
        ("2024-03-01T10:31+01:00", "UTC", ["test-90"]),
        ("2024-03-02", "UTC", []),
    ],
)
def test_since_filters(
    since: str, zone: str, expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Items at 09:00, 09:30 and 10:30 UTC on 2024-03-01, and one the day before.
    written = [make_item(-1440), make_item(0), make_item(30), make_item(90)]
    path = write_lines(tmp_path / "items.jsonl", written)

    status, items, err = dry_run_items(capsys, "jsonl", path, "--since", since, "--timezone", zone)

    assert status == 0
    assert [item.source_id for item in items] == expected
    assert f"before_since={len(written) - len(expected)}" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--timezone", "Mars/Olympus_Mons"], "'Mars/Olympus_Mons'"),
        (["--timezone", "../etc/passwd"], "'../etc/passwd'"),
        (["--since", "March 1st"], "'March 1st'"),
        (["--phone-region", "XX"], "'XX'"),
        (["--batch-size", "0"], "--batch-size 0"),
        (["--batch-size", "1001"], "--batch-size 1001"),
        (["--hub", "ftp://127.0.0.1"], "'ftp://127.0.0.1'"),
        (["--config", "missing.toml"], "missing.toml"),
    ],
)
def test_usage_errors_exit_2(
    options: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_lines(tmp_path / "items.jsonl", [make_item(1)])

    status = run("jsonl", path, "--dry-run", *options)

    assert status == 2
    assert message in capsys.readouterr().err


def test_missing_input_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run("jsonl", str(tmp_path / "absent.jsonl"), "--dry-run")

    assert status == 2
    assert "input file not found" in capsys.readouterr().err


def test_stdin_only_where_supported(capsys: pytest.CaptureFixture[str]) -> None:
    status = run("email", "-", "--dry-run", sources=SOURCES)

    assert status == 2
    assert "cannot read standard input" in capsys.readouterr().err


def test_missing_reader_fails_only_its_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = {
        **TEST_SOURCES,
        "absent": SourceSpec(name="absent", module="bridges.no_such_reader", summary="x", files="x", example="x"),
    }
    path = write_lines(tmp_path / "items.jsonl", [make_item(1)])

    missing = run("absent", path, "--dry-run", sources=sources)
    missing_err = capsys.readouterr().err
    present = run("jsonl", path, "--dry-run", sources=sources)

    assert missing == 2
    assert "the absent reader is not installed (module bridges.no_such_reader not found)" in missing_err
    assert present == 0


def test_config_file_sets_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text(
        'timezone = "Asia/Tokyo"\nme = ["+15550199"]\n', encoding="utf-8"
    )
    written = [
        make_item(1, participants=[{"handle": "+15550199", "kind": "phone", "role": "from"}]),
        make_item(2, participants=[{"handle": "+15550100", "kind": "phone", "role": "from"}]),
        make_item(3),
    ]
    path = write_lines(tmp_path / "items.jsonl", written)

    status, items, err = dry_run_items(capsys, "jsonl", path, "--config", str(config), "--me", "+15550100")

    assert status == 0
    assert [item.direction for item in items] == ["outbound", "outbound", None]
    assert "Asia/Tokyo (from config file)" in err


def test_default_config_file_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config" / "cardmunk" / "bridge.toml"
    config.parent.mkdir(parents=True)
    config.write_text('timezone = "America/Bogota"\n', encoding="utf-8")
    path = write_lines(tmp_path / "items.jsonl", [make_item(1)])

    status, _, err = dry_run_items(capsys, "jsonl", path)

    assert status == 0
    assert "America/Bogota (from config file)" in err


def test_option_overrides_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text('timezone = "Asia/Tokyo"\n', encoding="utf-8")
    path = write_lines(tmp_path / "items.jsonl", [make_item(1)])

    status, _, err = dry_run_items(capsys, "jsonl", path, "--config", str(config), "--timezone", "Europe/Berlin")

    assert status == 0
    assert "Europe/Berlin (from --timezone)" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('token = "secret"\n', "unknown key 'token' (the token is read from CARDMUNK_TOKEN only)"),
        ('colour = "red"\n', "unknown key 'colour'"),
        ("batch_size = 5000\n", "batch_size"),
        ("timezone = \n", "not valid TOML"),
    ],
)
def test_invalid_config_exits_2(text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text(text, encoding="utf-8")
    path = write_lines(tmp_path / "items.jsonl", [make_item(1)])

    status = run("jsonl", path, "--dry-run", "--config", str(config))
    err = capsys.readouterr().err

    assert status == 2
    assert message in err
    assert "secret" not in err


def test_machine_zone_logged(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    path = write_lines(tmp_path / "items.jsonl", [make_item(1)])

    status, _, err = dry_run_items(capsys, "jsonl", path)

    assert status == 0
    assert "Pacific/Auckland (from this machine)" in err
