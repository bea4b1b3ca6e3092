"""What WhatsApp writes into message text: notices, media, deletions, edits, sender names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bridges.casekit import errors_of, interactions_of, skipped_of
from tests.bridges.whatsapp.exports import read_export, write_export

LRM = "\u200e"
ANDROID = "15/01/2023, 21:41 - "
IOS = "[15/01/2023, 21:41:05] "
REPLY = "15/01/2023, 21:50 - Alice Example: ok"


@pytest.mark.parametrize(
    "notice",
    [
        ANDROID + "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
        ANDROID + "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses Chats kann sie lesen.",
        ANDROID + "Los mensajes y las llamadas están cifrados de extremo a extremo.",
        ANDROID + "Alice Example added Bob Example",
        ANDROID + "+1 555 0148 joined using this group's invite link",
        ANDROID + "Bob Example left",
        ANDROID + 'Alice Example changed the subject from "Plans" to "Plans: 2024"',
        ANDROID + "Alice Example hat den Betreff zu „Reise: Rom“ geändert",
        ANDROID + 'Alice Example created group "Trip: Rome"',
        ANDROID + "Your security code with Bob Example changed. Tap to learn more.",
        IOS + f"Trip Group: {LRM}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
        IOS + f"Bob Example: {LRM}Messages and calls are end-to-end encrypted.",
        IOS + f"Trip Group: {LRM}Alice Example added Bob Example",
        IOS + f"Trip Group: {LRM}Alice Example changed the subject to “Trip: Rome”",
        IOS + "+12 345 67 89 00 changed the subject to “Group Name”",
        IOS + f"Trip Group: {LRM}Alice Example hat Bob Example hinzugefügt",
        IOS + f"Trip Group: {LRM}Bob Example a ajouté Carol Example",
        IOS + f"Bob Example: {LRM}Security code changed. Tap to learn more.",
    ],
)
def test_system_notice_skipped(tmp_path: Path, notice: str) -> None:
    name = "_chat.txt" if notice.startswith("[") else "WhatsApp Chat with Trip Group.txt"
    reply = "[15/01/2023, 21:50:00] Alice Example: ok" if notice.startswith("[") else REPLY
    records = read_export(write_export(tmp_path, [notice, reply], name=name))

    assert [skip.reason for skip in skipped_of(records)] == ["system notice"]
    assert [item.content for item in interactions_of(records)] == ["ok"]


def test_skip_reason_without_content(tmp_path: Path) -> None:
    records = read_export(write_export(tmp_path, [ANDROID + "Alice Example added Bob Example", REPLY]))
    (skip,) = skipped_of(records)

    assert skip.location == "line 1"
    assert "Alice" not in skip.reason
    assert "Bob" not in skip.reason


def test_missed_call_skipped(tmp_path: Path) -> None:
    lines = [IOS + f"Bob Example: {LRM}Missed voice call", "[15/01/2023, 21:50:00] Alice Example: ok"]
    records = read_export(write_export(tmp_path, lines, name="_chat.txt"))

    assert [skip.reason for skip in skipped_of(records)] == ["call notice"]


def test_user_text_like_notice_kept(tmp_path: Path) -> None:
    """A person who writes "I added Bob" under their name sent a message; without the
    LRM that iOS puts before generated text, it is no notice."""
    lines = ["[15/01/2023, 21:41:05] Alice Example: I added Bob to the list", "[15/01/2023, 21:42:05] Bob Example: left it"]
    items = interactions_of(read_export(write_export(tmp_path, lines, name="_chat.txt")))

    assert [item.content for item in items] == ["I added Bob to the list", "left it"]


@pytest.mark.parametrize(
    "placeholder",
    [
        "<Media omitted>",
        "<Medien ausgeschlossen>",
        "<Multimedia omitido>",
        "<Médias omis>",
        "<Mídia oculta>",
        "<Media omessi>",
        "<Media weggelaten>",
        "<Без медиафайлов>",
        "<View once voice message omitted>",
        f"{LRM}image omitted",
        f"{LRM}video omitted",
        "Bild weggelassen",
        f"{LRM}imagen omitida",
        f"{LRM}immagine omessa",
        f"{LRM}sticker omitted",
        f"Report.pdf • {LRM}3 pages {LRM}document omitted",
    ],
)
def test_media_placeholder(tmp_path: Path, placeholder: str) -> None:
    items = interactions_of(read_export(write_export(tmp_path, [ANDROID + "Bob Example: " + placeholder])))

    assert items[0].metadata["has_media"] is True
    assert "attachments" not in items[0].metadata
    assert items[0].content == placeholder.lstrip(LRM)


@pytest.mark.parametrize(
    ("line", "file_name"),
    [
        ("IMG-20230115-WA0003.jpg (file attached)", "IMG-20230115-WA0003.jpg"),
        (f"{LRM}IMG-20230115-WA0003.jpg (Datei angehängt)", "IMG-20230115-WA0003.jpg"),
        ("VID-20230115-WA0001.mp4 (archivo adjunto)", "VID-20230115-WA0001.mp4"),
        ("PTT-20230115-WA0012.opus (fichier joint)", "PTT-20230115-WA0012.opus"),
        ("4f2680f1db95a8454775cc2eefc95bfc.jpg (arquivo anexado)", "4f2680f1db95a8454775cc2eefc95bfc.jpg"),
        ("Quarterly report final.pdf (file allegato)", "Quarterly report final.pdf"),
        ("DOC-20230115-WA0002.pdf (bestand bijgevoegd)", "DOC-20230115-WA0002.pdf"),
        ("STK-20230115-WA0007.webp (unknown label)", "STK-20230115-WA0007.webp"),
        (f"{LRM}<attached: 00000012-PHOTO-2023-01-15-21-41-05.jpg>", "00000012-PHOTO-2023-01-15-21-41-05.jpg"),
        (f"{LRM}<Anhang: 00000013-AUDIO-2023-01-15-21-41-05.opus>", "00000013-AUDIO-2023-01-15-21-41-05.opus"),
        ("< attached: 00000042-PHOTO-2020-06-07-15-13-20.jpg >", "00000042-PHOTO-2020-06-07-15-13-20.jpg"),
    ],
)
def test_attachment_with_caption(tmp_path: Path, line: str, file_name: str) -> None:
    lines = [ANDROID + "Bob Example: " + line, "Happy Easter!", REPLY]
    items = interactions_of(read_export(write_export(tmp_path, lines)))

    assert items[0].metadata["attachments"] == [file_name]
    assert items[0].metadata["has_media"] is True
    assert items[0].metadata["caption"] == "Happy Easter!"
    assert items[0].content == line.lstrip(LRM) + "\nHappy Easter!"


def test_file_name_in_text_not_attachment(tmp_path: Path) -> None:
    items = interactions_of(read_export(write_export(tmp_path, [ANDROID + "Bob Example: see notes.txt (the new one)"])))

    assert "has_media" not in items[0].metadata
    assert "attachments" not in items[0].metadata


@pytest.mark.parametrize(
    "deleted",
    [
        "This message was deleted",
        "You deleted this message",
        f"{LRM}This message was deleted.",
        f"{LRM}You deleted this message.",
        "Diese Nachricht wurde gelöscht",
        "Du hast diese Nachricht gelöscht",
        "Ce message a été supprimé",
        "Se eliminó este mensaje",
        "Esta mensagem foi apagada",
        "Questo messaggio è stato eliminato",
        "Dit bericht is verwijderd",
        "Данное сообщение удалено",
        "このメッセージは削除されました",
        "삭제된 메시지입니다",
        "تم حذف هذه الرسالة",
    ],
)
def test_deleted_message(tmp_path: Path, deleted: str) -> None:
    items = interactions_of(read_export(write_export(tmp_path, [ANDROID + "Bob Example: " + deleted])))

    assert items[0].metadata["deleted"] is True
    assert items[0].content == deleted.lstrip(LRM)


@pytest.mark.parametrize(
    "marker",
    [
        " <This message was edited>",
        f" {LRM}<This message was edited>",
        " <Diese Nachricht wurde bearbeitet>",
        " <Ce message a été modifié>",
        " <Se editó este mensaje.>",
        " <Questo messaggio è stato modificato>",
        " <Dit bericht is bewerkt>",
        " <Сообщение изменено>",
    ],
)
def test_edited_suffix_stripped(tmp_path: Path, marker: str) -> None:
    lines = [ANDROID + "Bob Example: See you at 8", "at the station" + marker, REPLY]
    items = interactions_of(read_export(write_export(tmp_path, lines)))

    assert items[0].content == "See you at 8\nat the station"
    assert items[0].metadata["edited"] is True
    assert "edited" not in items[1].metadata


def test_edited_and_unedited_share_id(tmp_path: Path) -> None:
    plain = interactions_of(read_export(write_export(tmp_path, [ANDROID + "Bob Example: See you"])))
    edited = interactions_of(
        read_export(write_export(tmp_path, [ANDROID + "Bob Example: See you <This message was edited>"], name="WhatsApp Chat with Bob Example (1).txt"))
    )

    assert plain[0].source_id == edited[0].source_id


@pytest.mark.parametrize(
    ("written", "handle", "kind", "display"),
    [
        ("+1 555 0147", "+15550147", "phone", "+1 555 0147"),
        ("\u202a+1 555 0147\u202c", "+15550147", "phone", "+1 555 0147"),
        ("+1 (555) 555\u20110147", "+15555550147", "phone", "+1 (555) 555\u20110147"),
        ("+49 30 1234567", "+49301234567", "phone", "+49 30 1234567"),
        ("~\u00a0Nev", "Nev", "whatsapp", None),
        ("~ Nev Example", "Nev Example", "whatsapp", None),
        ("Sandrine - French", "Sandrine - French", "whatsapp", None),
        ("Jean-Luc", "Jean-Luc", "whatsapp", None),
        ("Team 2 - 2024", "Team 2 - 2024", "whatsapp", None),
    ],
)
def test_sender_names(tmp_path: Path, written: str, handle: str, kind: str, display: str | None) -> None:
    lines = [f"[15/01/2023, 21:41:05] {written}: Hello: it's me"]
    items = interactions_of(read_export(write_export(tmp_path, lines, name="_chat.txt")))
    (sender,) = items[0].participants

    assert (sender.handle, sender.kind, sender.role) == (handle, kind, "from")
    assert items[0].metadata.get("sender_display") == display
    assert items[0].content == "Hello: it's me"


def test_local_number_with_region(tmp_path: Path) -> None:
    path = write_export(tmp_path, [ANDROID + "030 1234567: Hallo"])
    with_region = interactions_of(read_export(path, phone_region="DE"))
    without_region = interactions_of(read_export(path))

    assert (with_region[0].participants[0].handle, with_region[0].participants[0].kind) == ("+49301234567", "phone")
    assert (without_region[0].participants[0].handle, without_region[0].participants[0].kind) == ("030 1234567", "whatsapp")


def test_sender_with_colon_known_name(tmp_path: Path) -> None:
    """A name with ": " is found when it is the owner's or the chat's."""
    lines = [ANDROID + "Dr: Who: Time to go", ANDROID + "Alice: Ops: on it"]
    path = write_export(tmp_path, lines, name="WhatsApp Chat with Dr: Who.txt")
    items = interactions_of(read_export(path, me=("Alice: Ops",)))

    assert items[0].participants[0].handle == "Dr: Who"
    assert items[0].content == "Time to go"
    assert items[1].direction == "outbound"
    assert items[1].content == "on it"


def test_empty_message_text(tmp_path: Path) -> None:
    records = read_export(write_export(tmp_path, [ANDROID + "Bob Example: ", REPLY]))
    items = interactions_of(records)

    assert errors_of(records) == []
    assert items[0].content is None
    assert items[0].participants[0].handle == "Bob Example"
