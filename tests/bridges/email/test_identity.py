"""source_id and thread_id: Message-IDs, reused Message-IDs, derived ids, thread roots."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges.core.records import InteractionItem
from bridges.email import read
from tests.bridges.casekit import interactions_of
from tests.bridges.email.mailfiles import OWNER_OPTIONS, mbox, message, write

EARLY = "Mon, 04 Mar 2024 09:15:00 +0000"
LATE = "Tue, 05 Mar 2024 11:00:00 +0000"


def _read_mbox(tmp_path: Path, *messages: bytes, name: str = "mailbox.mbox") -> list[InteractionItem]:
    return interactions_of(read(write(tmp_path / name, mbox(*messages)), OWNER_OPTIONS))


def _read_eml(tmp_path: Path, data: bytes, name: str = "message.eml") -> InteractionItem:
    (item,) = interactions_of(read(write(tmp_path / name, data), OWNER_OPTIONS))
    return item


def test_reused_message_id_not_hidden(tmp_path: Path) -> None:
    original = message(message_id="<fixed@pbx.example.com>", date=EARLY, body="First notice.")
    reuse = message(message_id="<fixed@pbx.example.com>", date=LATE, body="Second notice.")

    items = _read_mbox(tmp_path, original, reuse)

    assert [item.content for item in items] == ["First notice.", "Second notice."]
    assert items[0].source_id == "<fixed@pbx.example.com>"
    assert items[1].source_id.startswith("<fixed@pbx.example.com>#")
    assert len(items[1].source_id) == len("<fixed@pbx.example.com>#") + 16


def test_reused_message_id_order_independent(tmp_path: Path) -> None:
    original = message(message_id="<fixed@pbx.example.com>", date=EARLY, body="First notice.")
    reuse = message(message_id="<fixed@pbx.example.com>", date=LATE, body="Second notice.")

    forward = _read_mbox(tmp_path, original, reuse, name="forward.mbox")
    backward = _read_mbox(tmp_path, reuse, original, name="backward.mbox")

    assert {item.content: item.source_id for item in forward} == {item.content: item.source_id for item in backward}


def test_reused_message_id_same_date_other_sender(tmp_path: Path) -> None:
    first = message(message_id="<fixed@example.com>", sender="bob@example.com", body="From Bob.")
    second = message(message_id="<fixed@example.com>", sender="carol@example.com", body="From Carol.")

    forward = _read_mbox(tmp_path, first, second, name="forward.mbox")
    backward = _read_mbox(tmp_path, second, first, name="backward.mbox")

    assert len({item.source_id for item in forward}) == 2
    assert {item.content: item.source_id for item in forward} == {item.content: item.source_id for item in backward}


def test_reused_message_id_with_copies(tmp_path: Path) -> None:
    original = message(message_id="<fixed@example.com>", date=EARLY, body="First.")
    reuse = message(message_id="<fixed@example.com>", date=LATE, body="Second.")

    items = _read_mbox(tmp_path, reuse, original, reuse, original)

    assert [item.source_id == "<fixed@example.com>" for item in items] == [False, True, False, True]
    assert items[0].source_id == items[2].source_id


def test_reused_message_id_across_eml_files(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.eml", message(message_id="<fixed@example.com>", date=LATE, body="Second."))
    write(tmp_path / "in" / "b.eml", message(message_id="<fixed@example.com>", date=EARLY, body="First."))

    items = interactions_of(read(str(tmp_path / "in"), OWNER_OPTIONS))

    assert {item.content: item.source_id == "<fixed@example.com>" for item in items} == {"First.": True, "Second.": False}


def test_reimport_same_ids(tmp_path: Path) -> None:
    messages = (
        message(message_id="<a@example.com>"),
        message(message_id=None, body="No id here."),
        message(message_id="<a@example.com>", date=LATE),
    )

    first = _read_mbox(tmp_path, *messages)
    second = _read_mbox(tmp_path, *messages)

    assert [item.source_id for item in first] == [item.source_id for item in second]
    assert len({item.source_id for item in first}) == 3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<plans-1@example.com>", "<plans-1@example.com>"),
        ("  <plans-1@example.com>  ", "<plans-1@example.com>"),
        ("<plans-1@\n example.com>", "<plans-1@example.com>"),
        ("plans-1@example.com", "<plans-1@example.com>"),
        ("<Plans-1@Example.com>", "<Plans-1@Example.com>"),
    ],
)
def test_message_id_as_written(tmp_path: Path, raw: str, expected: str) -> None:
    item = _read_eml(tmp_path, message(message_id=raw))

    assert item.source_id == expected


@pytest.mark.parametrize("raw", ["<>", "", "<" + "x" * 500 + "@example.com>"])
def test_unusable_message_id_derived(tmp_path: Path, raw: str) -> None:
    item = _read_eml(tmp_path, message(message_id=raw))

    assert item.source_id.startswith("sha256:")
    assert len(item.source_id) == len("sha256:") + 64


def test_derived_id_ignores_line_ends_and_recipient_order(tmp_path: Path) -> None:
    lf = message(message_id=None, to="bob@example.com, carol@example.com", body="Line one\nLine two")
    crlf = message(message_id=None, to="carol@example.com, Bob@Example.com", body="Line one\nLine two").replace(
        b"\n", b"\r\n"
    )

    assert _read_eml(tmp_path, lf, "lf.eml").source_id == _read_eml(tmp_path, crlf, "crlf.eml").source_id


def _voicemail(
    body: str = "A voicemail.",
    subject: str = "Voicemail",
    date: str = EARLY,
    sender: str = "voicemail@example.com",
    to: str = "alice@example.com",
) -> bytes:
    return message(message_id=None, body=body, subject=subject, date=date, sender=sender, to=to)


@pytest.mark.parametrize(
    "changed",
    [
        _voicemail(body="Another voicemail."),
        _voicemail(subject="Other subject"),
        _voicemail(date=LATE),
        _voicemail(sender="pbx@example.com"),
        _voicemail(to="carol@example.com"),
    ],
    ids=["body", "subject", "date", "sender", "to"],
)
def test_derived_id_depends_on_content(tmp_path: Path, changed: bytes) -> None:
    first = _read_eml(tmp_path, _voicemail(), "first.eml")
    second = _read_eml(tmp_path, changed, "second.eml")

    assert first.source_id != second.source_id


@pytest.mark.parametrize(
    ("headers", "thread_id", "in_reply_to"),
    [
        (("References: <root@example.com>\n <middle@example.com>", "In-Reply-To: <middle@example.com>"),
         "<root@example.com>", "<middle@example.com>"),
        (("References: <root@example.com> <middle@example.com>",), "<root@example.com>", "<middle@example.com>"),
        (("In-Reply-To: <parent@example.com>",), "<parent@example.com>", "<parent@example.com>"),
        (("In-Reply-To: Your message of Monday <parent@example.com>",), "<parent@example.com>", "<parent@example.com>"),
        ((), "<plans-1@example.com>", None),
    ],
)
def test_thread_id(tmp_path: Path, headers: tuple[str, ...], thread_id: str, in_reply_to: str | None) -> None:
    item = _read_eml(tmp_path, message(headers=headers))

    assert item.thread_id == thread_id
    assert item.metadata.get("in_reply_to") == in_reply_to


def test_thread_id_without_message_id(tmp_path: Path) -> None:
    item = _read_eml(tmp_path, message(message_id=None))

    assert item.thread_id == item.source_id
