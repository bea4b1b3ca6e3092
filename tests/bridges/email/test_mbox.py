"""mbox files: message boundaries, separator variants, escaping, Content-Length, streaming."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from bridges.core.records import InteractionItem
from bridges.email import read
from bridges.email.mbox import MboxMessage, split_mbox
from tests.bridges.casekit import errors_of, interactions_of
from tests.bridges.email.mailfiles import OWNER_OPTIONS, mbox, message, write


def _two_messages(first_body: str) -> bytes:
    return mbox(
        message(message_id="<one@example.com>", body=first_body),
        message(message_id="<two@example.com>", subject="Re: Plans", date="Mon, 04 Mar 2024 10:00:00 +0000"),
    )


@pytest.mark.parametrize(
    "body",
    [
        "Hi Bob,\n\nFrom what I remember, the train leaves at 8.\nSee you there.",
        "From the desk of Bob:\nthe train leaves at 8.",
        "Hi Bob,\n\nthe train leaves at 8.\n\nFrom Alice",
        "Hi Bob,\n\nFrom my notes\nSubject: the train\n\nIt leaves at 8.",
        "Hi Bob,\n\nFrom here on:\nNote: bring maps\nand food.",
        "Hi Bob,\nFrom Alice\nDate: tomorrow\n\nSee you.",
        "Hi Bob,\n\nFrom Alice\n\nSee you.",
    ],
    ids=["paragraph-start", "first-body-line", "last-body-line", "field-without-message-fields",
         "field-then-text", "not-after-blank-line", "followed-by-blank"],
)
def test_from_line_in_body_not_split(tmp_path: Path, body: str) -> None:
    path = write(tmp_path / "mailbox.mbox", _two_messages(body))

    records = list(read(path, OWNER_OPTIONS))

    assert errors_of(records) == []
    items = interactions_of(records)
    assert [item.source_id for item in items] == ["<one@example.com>", "<two@example.com>"]
    assert items[0].content == body
    assert items[1].content == "See you at eight."


@pytest.mark.parametrize(
    ("separator", "first_headers"),
    [
        ("From alice@example.com Mon Mar  4 09:15:00 2024", ()),
        ("From - Mon Mar 04 09:15:00 2024", ("X-Mozilla-Status: 0001", "X-Mozilla-Status2: 00000000")),
        ("From 1792345678901234567@xxx Mon Mar 04 09:15:00 +0000 2024",
         ("X-GM-THRID: 1792345678901234567", "X-Gmail-Labels: Inbox,Opened")),
        ("From ", ()),
        ("From MAILER-DAEMON Mon Mar  4 09:15:00 2024 remote from example", ()),
    ],
    ids=["mboxo", "thunderbird", "google-takeout", "bare", "uucp"],
)
def test_separator_variants(tmp_path: Path, separator: str, first_headers: tuple[str, ...]) -> None:
    messages = [
        b"\n".join(line.encode() for line in first_headers) + (b"\n" if first_headers else b"")
        + message(message_id=f"<m{number}@example.com>", body=f"Message {number}.\n\nFrom me, with love.")
        for number in range(3)
    ]
    path = write(tmp_path / "mailbox.mbox", mbox(*messages, separator=separator))

    items = interactions_of(read(path, OWNER_OPTIONS))

    assert [item.source_id for item in items] == ["<m0@example.com>", "<m1@example.com>", "<m2@example.com>"]
    assert items[2].content == "Message 2.\n\nFrom me, with love."


def test_header_block_with_unfolded_line(tmp_path: Path) -> None:
    # A mailer that did not fold a long value leaves a line that is no header field.
    second = message(message_id="<two@example.com>", headers=("X-Note: first half", "second half of the note"))
    path = write(tmp_path / "mailbox.mbox", mbox(message(message_id="<one@example.com>"), second))

    items = interactions_of(read(path, OWNER_OPTIONS))

    assert [item.source_id for item in items] == ["<one@example.com>", "<two@example.com>"]


def test_crlf_line_ends(tmp_path: Path) -> None:
    data = _two_messages("Hi Bob,\n\nFrom what I remember, it is at 8.").replace(b"\n", b"\r\n")
    path = write(tmp_path / "mailbox.mbox", data)

    items = interactions_of(read(path, OWNER_OPTIONS))

    assert len(items) == 2
    assert items[0].content == "Hi Bob,\n\nFrom what I remember, it is at 8."
    assert items[0].subject == "Plans"


def test_mboxrd_escapes_removed(tmp_path: Path) -> None:
    body = "Quoted:\n>From the start\n>>From a quote\n> From a reply"
    path = write(tmp_path / "mailbox.mbox", _two_messages(body))

    items = interactions_of(read(path, OWNER_OPTIONS))

    assert items[0].content == "Quoted:\nFrom the start\n>From a quote\n> From a reply"


def test_empty_body_before_next_separator(tmp_path: Path) -> None:
    first = message(message_id="<one@example.com>", body="").rstrip(b"\n") + b"\n\n"
    data = b"From a\n" + first + b"From b\n" + message(message_id="<two@example.com>")
    path = write(tmp_path / "mailbox.mbox", data)

    items = interactions_of(read(path, OWNER_OPTIONS))

    assert [item.source_id for item in items] == ["<one@example.com>", "<two@example.com>"]
    assert items[0].content is None


def _mboxcl2(body: bytes, declared_length: int) -> bytes:
    first = message(message_id="<one@example.com>", body="PLACEHOLDER", headers=(f"Content-Length: {declared_length}",))
    first = first.replace(b"PLACEHOLDER\n", body)
    second = message(message_id="<two@example.com>")
    return b"From alice Mon Mar  4 09:15:00 2024\n" + first + b"\nFrom bob Mon Mar  4 10:00:00 2024\n" + second


def test_content_length_keeps_embedded_mbox_whole(tmp_path: Path) -> None:
    # mboxcl2 does not escape body lines, so an mbox pasted into a body looks like a
    # separator and a header block. Content-Length gives where the body ends.
    body = (
        b"Here is the old thread:\n\n"
        b"From carol Sun Mar  3 08:00:00 2024\n"
        b"From: Carol <carol@example.com>\n"
        b"Date: Sun, 03 Mar 2024 08:00:00 +0000\n\n"
        b">From the archive.\n"
    )
    path = write(tmp_path / "mailbox.mbox", _mboxcl2(body, len(body)))

    items = interactions_of(read(path, OWNER_OPTIONS))

    assert [item.source_id for item in items] == ["<one@example.com>", "<two@example.com>"]
    assert items[0].content == body.decode().rstrip("\n")


def test_wrong_content_length_ignored(tmp_path: Path) -> None:
    body = b"Hi Bob,\n\nFrom what I remember, it is at 8.\n"
    path = write(tmp_path / "mailbox.mbox", _mboxcl2(body, len(body) - 7))

    items = interactions_of(read(path, OWNER_OPTIONS))

    assert [item.source_id for item in items] == ["<one@example.com>", "<two@example.com>"]
    assert items[0].content == "Hi Bob,\n\nFrom what I remember, it is at 8."


@pytest.mark.parametrize(
    "broken",
    [
        message(message_id="<broken@example.com>", date=None),
        message(message_id="<broken@example.com>", date="the day after tomorrow"),
        b"From: Bob <bob@example.com>\nDate: Mon, 04 Mar 2024 09:30:00 +0000\nMessage-ID: <broken@example.com>\n"
        b"Content-Type: multipart/mixed\nContent-Transfer-Encoding: base64\n\n\x00\x01\xff\xfe=====\n--\n",
        b"From: Bob <bob@example.com>\nReceived: garbage\nMessage-ID: <broken@example.com>\n\n\x00\xff\xfe binary junk\n",
    ],
    ids=["no-date", "bad-date", "broken-mime", "binary-junk"],
)
def test_malformed_message_in_middle(tmp_path: Path, broken: bytes) -> None:
    data = mbox(
        message(message_id="<before@example.com>"),
        broken,
        message(message_id="<after@example.com>", date="Mon, 04 Mar 2024 10:00:00 +0000"),
    )
    path = write(tmp_path / "mailbox.mbox", data)

    records = list(read(path, OWNER_OPTIONS))

    items = interactions_of(records)
    assert items[0].source_id == "<before@example.com>"
    assert items[-1].source_id == "<after@example.com>"
    assert len(records) == 3
    for error in errors_of(records):
        assert error.path == path
        assert error.location == "line 12"


def test_text_before_first_separator(tmp_path: Path) -> None:
    data = b"This file was exported by a tool.\n\n" + _two_messages("Hello.")
    path = write(tmp_path / "export" / "old.mbox", data)

    records = list(read(str(tmp_path / "export"), OWNER_OPTIONS))

    (error,) = errors_of(records)
    assert error.location == "line 1"
    assert len(interactions_of(records)) == 2


def test_split_is_lazy() -> None:
    data = mbox(*(message(message_id=f"<m{number}@example.com>", body="x" * 10_000) for number in range(200)))
    stream = io.BytesIO(data)

    first = next(split_mbox(stream))

    assert isinstance(first, MboxMessage)
    assert b"<m0@example.com>" in first.data
    assert stream.tell() < 100_000 < len(data)


def test_large_mbox_streamed(tmp_path: Path) -> None:
    body = "\n".join(f"Line {number} of a long letter, with some words in it." for number in range(800))
    path = tmp_path / "large.mbox"
    with path.open("wb") as stream:
        for number in range(400):
            stream.write(b"From bob Mon Mar  4 09:15:00 2024\n")
            stream.write(message(message_id=f"<m{number}@example.com>", body=body))
            stream.write(b"\n")
    size = path.stat().st_size

    tracemalloc.start()
    try:
        count = sum(1 for record in read(str(path), OWNER_OPTIONS) if isinstance(record, InteractionItem))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 400
    assert size > 15_000_000
    assert peak < size / 10
