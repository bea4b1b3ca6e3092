"""Counts of one bridge run, its closing summary line and its exit status."""

from __future__ import annotations

from dataclasses import dataclass, fields

EXIT_OK = 0
# Some records were rejected by the hub, could not be parsed, or the run stopped early.
EXIT_FAILED = 1
# An invalid option or a missing prerequisite (token, reader, input file); nothing was read.
EXIT_USAGE = 2


@dataclass
class RunCounts:
    """Counts of one run's files and records by outcome."""

    files_read: int = 0
    # Unchanged files the checkpoint marks as finished: not read at all.
    files_unchanged: int = 0
    interactions_found: int = 0
    created: int = 0
    duplicates: int = 0
    # Interactions the hub rejected as `invalid`, or too large to send.
    rejected: int = 0
    # Records the readers skipped on purpose (system notices, reactions, receipts).
    skipped: int = 0
    # Interactions older than --since.
    before_since: int = 0
    # Records of partly imported files that an earlier run already delivered.
    already_sent: int = 0
    # Parse errors and files a reader failed on.
    errors: int = 0
    # Interactions read but never acknowledged by the hub because the run stopped early.
    failed: int = 0

    def count_unacknowledged(self) -> None:
        """Set `failed` to the interactions read and due to be sent that the hub did not acknowledge."""
        acknowledged = self.created + self.duplicates + self.rejected
        self.failed = self.interactions_found - self.before_since - acknowledged

    def summary_line(self) -> str:
        """Return `summary: files_read=2 ... errors=0`, one `name=count` per field."""
        return "summary: " + " ".join(f"{field.name}={getattr(self, field.name)}" for field in fields(self))

    def exit_status(self, stopped_early: bool) -> int:
        """Return 0 only when nothing was rejected or failed and the run went to the end."""
        if stopped_early or self.rejected or self.errors or self.failed:
            return EXIT_FAILED
        return EXIT_OK


def pluralize(count: int, singular: str, plural: str | None = None) -> str:
    """Return the count with the noun in the matching number: "1 error", "2 errors"."""
    noun = singular if count == 1 else plural or f"{singular}s"
    return f"{count} {noun}"
