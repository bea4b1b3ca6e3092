"""Checkpoint file: fingerprints, scopes, atomic merged saves and unreadable files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from bridges.core.checkpoint import FINGERPRINT_CHUNK_BYTES, CheckpointFile, FileProgress, fingerprint, scope_key


def write_bytes(path: Path, data: bytes, mtime_ns: int = 1_700_000_000_000_000_000) -> str:
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return str(path)


def test_fingerprint_stable(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "export.txt", b"a" * 1000)

    assert fingerprint(path) == fingerprint(path)
    assert fingerprint(path).startswith("1000:1700000000000000000:")  # type: ignore[union-attr]


def test_fingerprint_sees_change_in_head_and_tail(tmp_path: Path) -> None:
    size = FINGERPRINT_CHUNK_BYTES * 4
    original = fingerprint(write_bytes(tmp_path / "a", b"a" * size))
    head = fingerprint(write_bytes(tmp_path / "b", b"b" + b"a" * (size - 1)))
    tail = fingerprint(write_bytes(tmp_path / "c", b"a" * (size - 1) + b"b"))
    touched = fingerprint(write_bytes(tmp_path / "d", b"a" * size, mtime_ns=1_800_000_000_000_000_000))

    assert len({original, head, tail, touched}) == 4


def test_fingerprint_small_file_hashed_whole(tmp_path: Path) -> None:
    size = FINGERPRINT_CHUNK_BYTES + 100
    data = bytearray(b"a" * size)
    first = fingerprint(write_bytes(tmp_path / "a", bytes(data)))
    data[FINGERPRINT_CHUNK_BYTES + 10] = ord("b")

    assert fingerprint(write_bytes(tmp_path / "b", bytes(data))) != first


def test_fingerprint_only_regular_files(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    assert fingerprint(str(tmp_path)) is None
    assert fingerprint(str(fifo)) is None
    assert fingerprint(str(tmp_path / "absent")) is None


def test_scope_hides_settings() -> None:
    scope = scope_key("email", "http://127.0.0.1:8080", {"me": ["alice@example.com"]})

    assert scope.startswith("email http://127.0.0.1:8080 ")
    assert "alice" not in scope
    assert scope != scope_key("email", "http://127.0.0.1:8080", {"me": ["bob@example.com"]})


def test_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "state" / "checkpoint.json"
    saved = CheckpointFile(path, "scope-a")
    saved.update("/data/a.txt", FileProgress("10:1:ab", 7, False))
    saved.save()

    loaded = CheckpointFile(path, "scope-a")
    loaded.load()

    assert loaded.progress_for("/data/a.txt", "10:1:ab") == FileProgress("10:1:ab", 7, False)
    assert loaded.progress_for("/data/a.txt", "11:1:ab") is None
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert [entry.name for entry in path.parent.iterdir() if entry.name.endswith(".tmp")] == []


def test_scopes_are_separate(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    saved = CheckpointFile(path, "scope-a")
    saved.update("/data/a.txt", FileProgress("f", 7, True))
    saved.save()

    other = CheckpointFile(path, "scope-b")
    other.load()

    assert other.progress_for("/data/a.txt", "f") is None


def test_concurrent_writers_merge(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    first = CheckpointFile(path, "scope")
    second = CheckpointFile(path, "scope")
    first.load()
    second.load()

    first.update("/data/a.txt", FileProgress("fa", 1, True))
    first.save()
    second.update("/data/b.txt", FileProgress("fb", 2, True))
    second.save()

    merged = CheckpointFile(path, "scope")
    merged.load()
    assert merged.progress_for("/data/a.txt", "fa") == FileProgress("fa", 1, True)
    assert merged.progress_for("/data/b.txt", "fb") == FileProgress("fb", 2, True)


def test_unreadable_file_means_no_entries(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    path.write_text("{truncated", encoding="utf-8")

    checkpoint = CheckpointFile(path, "scope")
    checkpoint.load()
    checkpoint.update("/data/a.txt", FileProgress("f", 3, False))
    checkpoint.save()

    assert json.loads(path.read_text(encoding="utf-8"))["scopes"]["scope"]["files"]["/data/a.txt"]["records_done"] == 3


def test_malformed_entry_ignored(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    files = {"/data/a.txt": {"fingerprint": "f"}, "/data/b.txt": {"fingerprint": "g", "records_done": 2, "complete": False}}
    path.write_text(json.dumps({"version": 1, "scopes": {"scope": {"files": files}}}), encoding="utf-8")

    checkpoint = CheckpointFile(path, "scope")
    checkpoint.load()

    assert checkpoint.progress_for("/data/a.txt", "f") is None
    assert checkpoint.progress_for("/data/b.txt", "g") == FileProgress("g", 2, False)
