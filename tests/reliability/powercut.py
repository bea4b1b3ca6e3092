"""A power-cut simulator: an apsw VFS shim that tracks which writes SQLite made durable.

Every file SQLite opens through the shim gets a "durable" image next to the live file. A
write or truncate goes to the live file at once but reaches the durable image only when
SQLite syncs that file (xSync), which is what fsync guarantees on a real disk. At the cut
the workload is stopped in the middle of whatever it was doing, and `restore` writes the
durable images into a fresh folder: the files a machine would find after rebooting.

Unsynced writes are either all dropped, or a random subset of them is kept in any order
(a disk cache that flushed some of them). The shared-memory file (-shm) is never restored:
it is not durable state, and SQLite rebuilds it from the WAL.

apsw runs its own SQLite library, so the hub's code runs here on an apsw connection: the
hub's pragmas, migrations and writer transaction, with apsw's SQLite underneath.
"""

from __future__ import annotations

import contextlib
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import apsw


class PowerCut(apsw.IOError):
    """Raised into SQLite by the write or sync at which the power goes off."""


@contextlib.contextmanager
def quiet_power_cuts() -> Iterator[None]:
    """Drop the PowerCut that apsw reports as unraisable where SQLite ignores an error.

    SQLite ignores the result of a few syncs (on a journal mode change, on close), so apsw
    cannot hand the exception back to the caller and passes it to sys.unraisablehook.
    Any other unraisable exception still reaches the previous hook.
    """
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, PowerCut):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


@dataclass
class FileImage:
    durable: bytearray
    # Writes and truncates since the last sync: ("write", offset, data) or ("truncate", size).
    pending: list[tuple[Any, ...]] = field(default_factory=list)

    def apply(self, operation: tuple[Any, ...]) -> None:
        if operation[0] == "truncate":
            del self.durable[operation[1]:]
            return
        _, offset, data = operation
        if len(self.durable) < offset:
            self.durable.extend(bytes(offset - len(self.durable)))
        self.durable[offset:offset + len(data)] = data

    def sync(self) -> None:
        for operation in self.pending:
            self.apply(operation)
        self.pending.clear()


class PowerCutVFS(apsw.VFS):
    """Count writes and syncs; the `cut_at`-th one (1-based) is the power cut."""

    def __init__(self, name: str, cut_at: int | None = None) -> None:
        super().__init__(name, "")
        self.name = name
        self.cut_at = cut_at
        self.operations = 0
        self.cut = False
        self.images: dict[str, FileImage] = {}

    def tick(self) -> bool:
        """Count one write or sync; return False once the power is off."""
        if self.cut:
            return False
        self.operations += 1
        if self.cut_at is not None and self.operations >= self.cut_at:
            self.cut = True
            raise PowerCut("power cut")
        return True

    def xOpen(self, name: Any, flags: list[int]) -> PowerCutFile:
        path = name.filename() if isinstance(name, apsw.URIFilename) else name
        if path is None:
            # A temporary file (statement journal, sort spill): deleted on close, so a power
            # cut cannot leave it behind. It goes straight to the real VFS.
            return apsw.VFSFile("", name, flags)  # type: ignore[return-value]
        if path not in self.images:
            existing = Path(path).read_bytes() if path and Path(path).exists() else b""
            self.images[path] = FileImage(bytearray(existing))
        return PowerCutFile(self, name, flags, self.images[path])

    def xDelete(self, filename: str, syncdir: bool) -> None:
        if self.cut:
            return
        super().xDelete(filename, syncdir)
        self.images.pop(filename, None)

    def restore(self, directory: Path, keep_unsynced: random.Random | None = None) -> None:
        """Write the files as they are after the cut into `directory`.

        With `keep_unsynced`, each unsynced write or truncate survives with probability
        one half, in a random order; without it none survives.
        """
        directory.mkdir(parents=True, exist_ok=True)
        for path, image in self.images.items():
            if path.endswith("-shm"):
                continue
            survivor = FileImage(bytearray(image.durable))
            if keep_unsynced is not None:
                kept = [op for op in image.pending if keep_unsynced.random() < 0.5]
                keep_unsynced.shuffle(kept)
                for operation in kept:
                    survivor.apply(operation)
            (directory / Path(path).name).write_bytes(bytes(survivor.durable))


class PowerCutFile(apsw.VFSFile):
    def __init__(self, vfs: PowerCutVFS, name: Any, flags: list[int], image: FileImage) -> None:
        super().__init__("", name, flags)
        self._vfs = vfs
        self._image = image

    def xWrite(self, data: bytes, offset: int) -> None:
        # After the cut the live files no longer matter: writes are accepted and ignored so
        # SQLite's clean-up after the error cannot raise again.
        if self._vfs.tick():
            super().xWrite(data, offset)
            self._image.pending.append(("write", offset, bytes(data)))

    def xTruncate(self, size: int) -> None:
        if self._vfs.tick():
            super().xTruncate(size)
            self._image.pending.append(("truncate", size))

    def xSync(self, flags: int) -> None:
        if self._vfs.tick():
            super().xSync(flags)
            self._image.sync()
