"""Dead-letter file: lazily created with mode 0600, appended, one JSON object per line."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from bridges.core.deadletter import DeadLetterFile
from bridges.core.settings import DEFAULT_DEAD_LETTER
from tests.bridges.core.clirun import REPO_ROOT


def test_not_created_when_unused(tmp_path: Path) -> None:
    dead_letter = DeadLetterFile(tmp_path / "rejected.jsonl")
    dead_letter.close()

    assert not (tmp_path / "rejected.jsonl").exists()


def test_appends_private_lines(tmp_path: Path) -> None:
    path = tmp_path / "out" / "rejected.jsonl"
    path.parent.mkdir()
    path.write_text('{"earlier": true}\n', encoding="utf-8")
    os.chmod(path, 0o600)
    dead_letter = DeadLetterFile(path)

    dead_letter.write({"source_id": "x"}, [{"field": "occurred_at", "message": "missing"}], "a.txt", "record 2")
    dead_letter.write(None, [{"field": None, "message": "not a header"}], "b.txt", "line 9")
    dead_letter.close()

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"earlier": True}
    assert lines[1] == {
        "item": {"source_id": "x"},
        "errors": [{"field": "occurred_at", "message": "missing"}],
        "file": "a.txt",
        "location": "record 2",
    }
    assert lines[2]["item"] is None
    assert dead_letter.written == 2


def test_new_file_mode_0600(tmp_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        dead_letter = DeadLetterFile(tmp_path / "rejected.jsonl")
        dead_letter.write(None, [], "a.txt", "line 1")
        dead_letter.close()
    finally:
        os.umask(old_umask)

    assert stat.S_IMODE(os.stat(tmp_path / "rejected.jsonl").st_mode) == 0o600


def test_describe_counts_each_kind(tmp_path: Path) -> None:
    dead_letter = DeadLetterFile(tmp_path / "rejected.jsonl")
    dead_letter.write(None, [{"field": None, "message": "not a header"}], "a.txt", "line 1")
    dead_letter.write(None, [{"field": None, "message": "not a header"}], "a.txt", "line 2")
    dead_letter.write({"source_id": "x"}, [{"field": "occurred_at", "message": "missing"}], "a.txt", "record 3")
    dead_letter.close()

    assert dead_letter.unreadable == 2
    assert dead_letter.rejected == 1
    assert dead_letter.describe() == (
        f"2 records that could not be read and 1 interaction rejected by the hub were written to {tmp_path / 'rejected.jsonl'}"
    )


@pytest.mark.skipif(shutil.which("git") is None or not (REPO_ROOT / ".git").exists(), reason="needs git and the repository")
def test_default_file_ignored_by_git() -> None:
    # The default dead-letter file lands in the working folder and contains private data.
    completed = subprocess.run(
        ["git", "check-ignore", "--quiet", "--no-index", DEFAULT_DEAD_LETTER], cwd=REPO_ROOT, check=False
    )

    assert completed.returncode == 0
