"""Inputs the reader accepts: Maildir (with Maildir++ folders), .eml folders, single files."""

from __future__ import annotations

from pathlib import Path

from bridges.email import read
from tests.bridges.casekit import errors_of, interactions_of, skipped_of
from tests.bridges.email.mailfiles import OWNER_OPTIONS, maildir, mbox, message, write


def test_maildir_cur_and_new(tmp_path: Path) -> None:
    root = maildir(tmp_path / "Mail")
    write(root / "new" / "1709543700.M1P1.host", message(message_id="<new@example.com>"))
    write(root / "cur" / "1709540100.M1P1.host:2,S", message(message_id="<cur@example.com>"))
    write(root / "tmp" / "1709547300.M1P1.host", message(message_id="<tmp@example.com>"))

    items = interactions_of(read(str(root), OWNER_OPTIONS))

    assert [item.source_id for item in items] == ["<cur@example.com>", "<new@example.com>"]


def test_maildir_same_message_in_two_folders(tmp_path: Path) -> None:
    # Dovecot keeps the Sent folder as ".Sent" inside the Maildir (Maildir++).
    root = maildir(tmp_path / "Mail")
    sent = maildir(root / ".Sent")
    data = message(sender="Alice <alice@example.com>", to="Bob <bob@example.com>", message_id="<trip@example.com>")
    write(root / "cur" / "1709540100.M1P1.host:2,S", data)
    write(sent / "cur" / "1709540101.M2P1.host:2,S", data)

    items = interactions_of(read(str(root), OWNER_OPTIONS))

    assert len(items) == 2
    assert items[0].source_id == items[1].source_id == "<trip@example.com>"
    assert items[0].model_dump() == items[1].model_dump()
    assert items[0].direction == "outbound"


def test_maildir_copies_without_message_id(tmp_path: Path) -> None:
    root = maildir(tmp_path / "Mail")
    data = message(message_id=None)
    write(root / "cur" / "1709540100.M1P1.host:2,S", data)
    write(maildir(root / ".Archive") / "cur" / "1709540200.M1P1.host:2,S", data)

    items = interactions_of(read(str(root), OWNER_OPTIONS))

    assert len(items) == 2
    assert items[0].source_id == items[1].source_id
    assert items[0].source_id.startswith("sha256:")


def test_maildir_trashed_message_skipped(tmp_path: Path) -> None:
    root = maildir(tmp_path / "Mail")
    write(root / "cur" / "1709540100.M1P1.host:2,ST", message(message_id="<gone@example.com>"))
    write(root / "cur" / "1709540200.M1P1.host:2,RS", message(message_id="<kept@example.com>"))

    records = list(read(str(root), OWNER_OPTIONS))

    assert [item.source_id for item in interactions_of(records)] == ["<kept@example.com>"]
    (skipped,) = skipped_of(records)
    assert "trashed" in skipped.reason


def test_thunderbird_expunged_message_skipped(tmp_path: Path) -> None:
    data = mbox(
        message(message_id="<gone@example.com>", headers=("X-Mozilla-Status: 0009",)),
        message(message_id="<kept@example.com>", headers=("X-Mozilla-Status: 0001",)),
        separator="From - Mon Mar 04 09:15:00 2024",
    )
    path = write(tmp_path / "Inbox.mbox", data)

    records = list(read(path, OWNER_OPTIONS))

    assert [item.source_id for item in interactions_of(records)] == ["<kept@example.com>"]
    (skipped,) = skipped_of(records)
    assert skipped.location == "line 1"


def test_eml_folder_recursive(tmp_path: Path) -> None:
    write(tmp_path / "export" / "b.eml", message(message_id="<b@example.com>"))
    write(tmp_path / "export" / "2023" / "a.EML", message(message_id="<a@example.com>"))
    write(tmp_path / "export" / "c.mbox", mbox(message(message_id="<c@example.com>")))
    write(tmp_path / "export" / "c.mbox.msf", b"// <!-- <mdb:mork:z v=\"1.4\"/> -->\n")
    write(tmp_path / "export" / "notes.txt", b"not mail\n")
    write(tmp_path / "export" / ".hidden.eml", message(message_id="<hidden@example.com>"))

    records = list(read(str(tmp_path / "export"), OWNER_OPTIONS))

    assert errors_of(records) == []
    assert [item.source_id for item in interactions_of(records)] == [
        "<a@example.com>",
        "<b@example.com>",
        "<c@example.com>",
    ]


def test_single_file_sniffed_as_mbox(tmp_path: Path) -> None:
    # Thunderbird's folder files have no suffix; the first line shows they are mbox.
    path = write(tmp_path / "Inbox", mbox(message(message_id="<a@example.com>"), message(message_id="<b@example.com>")))

    items = interactions_of(read(path, OWNER_OPTIONS))

    assert [item.source_id for item in items] == ["<a@example.com>", "<b@example.com>"]


def test_single_eml_with_crlf(tmp_path: Path) -> None:
    path = write(tmp_path / "message.eml", message(body="Line one\nLine two  \n\n").replace(b"\n", b"\r\n"))

    (item,) = interactions_of(read(path, OWNER_OPTIONS))

    assert item.content == "Line one\nLine two"
    assert item.subject == "Plans"


def test_missing_path_parse_error(tmp_path: Path) -> None:
    path = str(tmp_path / "nowhere.mbox")

    (error,) = errors_of(read(path, OWNER_OPTIONS))

    assert error.path == path
    assert "not found" in error.reason


def test_empty_eml_parse_error(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.eml", b"\n")

    (error,) = errors_of(read(path, OWNER_OPTIONS))

    assert error.reason == "file is empty"


def test_thunderbird_profile_folder(tmp_path: Path) -> None:
    # Thunderbird keeps each mail folder as an mbox file without suffix, next to an index.
    local = tmp_path / "Local Folders"
    write(local / "Inbox", mbox(message(message_id="<in@example.com>")))
    write(local / "Inbox.msf", b"// <!-- <mdb:mork:z v=\"1.4\"/> -->\n")
    write(local / "Archives.sbd" / "2023", mbox(message(message_id="<old@example.com>")))
    write(local / "README", b"Not a mailbox.\n")

    records = list(read(str(local), OWNER_OPTIONS))

    assert errors_of(records) == []
    assert [item.source_id for item in interactions_of(records)] == ["<old@example.com>", "<in@example.com>"]


def test_maildir_cur_folder_alone(tmp_path: Path) -> None:
    root = maildir(tmp_path / "Mail")
    write(root / "cur" / "1709540100.M1P1.host:2,S", message(message_id="<cur@example.com>"))
    write(root / "new" / "1709543700.M1P1.host", message(message_id="<new@example.com>"))

    items = interactions_of(read(str(root / "cur"), OWNER_OPTIONS))

    assert [item.source_id for item in items] == ["<cur@example.com>"]
