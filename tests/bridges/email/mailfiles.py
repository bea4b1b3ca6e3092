"""Build RFC 5322 messages, mbox files and Maildirs for the email reader's tests."""

from __future__ import annotations

from pathlib import Path

from bridges.core.records import ReadOptions

OWNER = "alice@example.com"
OWNER_OPTIONS = ReadOptions(me=(OWNER,))


def message(
    *,
    subject: str = "Plans",
    date: str | None = "Mon, 04 Mar 2024 09:15:00 +0000",
    message_id: str | None = "<plans-1@example.com>",
    sender: str = "Bob Example <bob@example.com>",
    to: str = "Alice Example <alice@example.com>",
    body: str = "See you at eight.",
    headers: tuple[str, ...] = (),
    content_type: str = "text/plain; charset=utf-8",
) -> bytes:
    """Return one message with LF line ends; `None` leaves a header out."""
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}"]
    if date is not None:
        lines.append(f"Date: {date}")
    if message_id is not None:
        lines.append(f"Message-ID: {message_id}")
    lines.extend(headers)
    lines.extend(["MIME-Version: 1.0", f"Content-Type: {content_type}", "", body])
    return ("\n".join(lines) + "\n").encode("utf-8")


def mbox(*messages: bytes, separator: str = "From MAILER-DAEMON Mon Mar  4 09:15:00 2024") -> bytes:
    """Return an mboxo file: each message after a separator line, a blank line after each."""
    return b"".join(separator.encode() + b"\n" + data + b"\n" for data in messages)


def write(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def maildir(root: Path) -> Path:
    """Create an empty Maildir (cur, new, tmp) at `root`."""
    for name in ("cur", "new", "tmp"):
        (root / name).mkdir(parents=True, exist_ok=True)
    return root
