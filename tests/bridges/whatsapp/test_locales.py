"""Header formats of WhatsApp's locales, iOS and Android, clocks, line ends, BOM and zips.

Each locale's file has the header as that locale's app writes it: two messages, on
15 January 2023 at 21:41 and 16 January at 08:05, the first with a continuation line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bridges.casekit import errors_of, interactions_of, skipped_of
from tests.bridges.whatsapp.exports import read_export, write_export, write_zip

NNBSP = "\u202f"
NBSP = "\u00a0"
RLM = "\u200f"

# (locale, file name, first header + sender, second header + sender)
LOCALE_HEADERS = [
    ("en-US android", "WhatsApp Chat with Bob Example.txt", f"1/15/23, 9:41{NNBSP}PM - Bob Example: ", f"1/16/23, 8:05{NNBSP}AM - Alice Example: "),
    ("en-US android before 2023", "WhatsApp Chat with Bob Example.txt", "1/15/23, 9:41 PM - Bob Example: ", "1/16/23, 8:05 AM - Alice Example: "),
    ("en-GB android", "WhatsApp Chat with Bob Example.txt", "15/01/2023, 21:41 - Bob Example: ", "16/01/2023, 08:05 - Alice Example: "),
    ("en-IN android", "WhatsApp Chat with Bob Example.txt", f"15/01/23, 9:41{NNBSP}pm - Bob Example: ", f"16/01/23, 8:05{NNBSP}am - Alice Example: "),
    ("de android", "WhatsApp Chat mit Bob Example.txt", "15.01.23, 21:41 - Bob Example: ", "16.01.23, 08:05 - Alice Example: "),
    ("fr android", "Discussion WhatsApp avec Bob Example.txt", "15/01/2023 à 21:41 - Bob Example: ", "16/01/2023 à 08:05 - Alice Example: "),
    ("es android", "Chat de WhatsApp con Bob Example.txt", "15/1/23, 21:41 - Bob Example: ", "16/1/23, 8:05 - Alice Example: "),
    ("es android 12h", "Chat de WhatsApp con Bob Example.txt", f"15/1/23, 9:41{NBSP}p.{NBSP}m. - Bob Example: ", f"16/1/23, 8:05{NBSP}a.{NBSP}m. - Alice Example: "),
    ("pt-BR android", "Conversa do WhatsApp com Bob Example.txt", "15/01/2023 21:41 - Bob Example: ", "16/01/2023 08:05 - Alice Example: "),
    ("it android", "Chat WhatsApp con Bob Example.txt", "15/01/23, 21:41 - Bob Example: ", "16/01/23, 08:05 - Alice Example: "),
    ("nl android", "WhatsApp-chat met Bob Example.txt", "15-01-2023 21:41 - Bob Example: ", "16-01-2023 08:05 - Alice Example: "),
    ("ru android", "Чат WhatsApp с Bob Example.txt", "15.01.2023, 21:41 - Bob Example: ", "16.01.2023, 8:05 - Alice Example: "),
    ("ja android", "WhatsApp Chat with Bob Example.txt", "2023/01/15 21:41 - Bob Example: ", "2023/01/16 8:05 - Alice Example: "),
    ("ja android 12h", "WhatsApp Chat with Bob Example.txt", "2023/01/15 午後9:41 - Bob Example: ", "2023/01/16 午前8:05 - Alice Example: "),
    ("ko android", "WhatsApp Chat with Bob Example.txt", "2023. 1. 15. 오후 9:41 - Bob Example: ", "2023. 1. 16. 오전 8:05 - Alice Example: "),
    ("zh android", "WhatsApp Chat with Bob Example.txt", "2023/1/15 下午9:41 - Bob Example: ", "2023/1/16 上午8:05 - Alice Example: "),
    ("ar android", "WhatsApp Chat with Bob Example.txt", f"15{RLM}/1{RLM}/2023، 9:41 م - Bob Example: ", f"16{RLM}/1{RLM}/2023، 8:05 ص - Alice Example: "),
    ("ar android arabic digits", "WhatsApp Chat with Bob Example.txt", f"١٥{RLM}/١{RLM}/٢٠٢٣، ٩:٤١ م - Bob Example: ", f"١٦{RLM}/١{RLM}/٢٠٢٣، ٨:٠٥ ص - Alice Example: "),
    ("fi android", "WhatsApp Chat with Bob Example.txt", "15.1.2023 klo 21.41 - Bob Example: ", "16.1.2023 klo 8.05 - Alice Example: "),
    ("sv android", "WhatsApp Chat with Bob Example.txt", "2023-01-15 21:41 - Bob Example: ", "2023-01-16 08:05 - Alice Example: "),
    ("id android", "WhatsApp Chat with Bob Example.txt", "15/01/23 21.41 - Bob Example: ", "16/01/23 08.05 - Alice Example: "),
    ("de android 12h", "WhatsApp Chat mit Bob Example.txt", "15.01.23, 9:41 nachm. - Bob Example: ", "16.01.23, 8:05 vorm. - Alice Example: "),
    ("en-US ios", "_chat.txt", f"[1/15/23, 9:41:00{NNBSP}PM] Bob Example: ", f"[1/16/23, 8:05:00{NNBSP}AM] Alice Example: "),
    ("en-GB ios", "_chat.txt", "[15/01/2023, 21:41:00] Bob Example: ", "[16/01/2023, 08:05:00] Alice Example: "),
    ("en-GB ios without comma", "_chat.txt", "[15/01/2023 21:41:00] Bob Example: ", "[16/01/2023 08:05:00] Alice Example: "),
    ("de ios", "_chat.txt", "[15.01.23, 21:41:00] Bob Example: ", "[16.01.23, 08:05:00] Alice Example: "),
    ("es ios", "_chat.txt", f"[15/1/23, 9:41:00{NBSP}p.{NBSP}m.] Bob Example: ", f"[16/1/23, 8:05:00{NBSP}a.{NBSP}m.] Alice Example: "),
    ("ja ios", "_chat.txt", "[2023/01/15 21:41:00] Bob Example: ", "[2023/01/16 8:05:00] Alice Example: "),
    ("ko ios", "_chat.txt", "[2023. 1. 15. 오후 9:41:00] Bob Example: ", "[2023. 1. 16. 오전 8:05:00] Alice Example: "),
    ("de ios before 2017", "_chat.txt", "15.01.23 21.41.00: Bob Example: ", "16.01.23 08.05.00: Alice Example: "),
]


@pytest.mark.parametrize(
    ("file_name", "first_header", "second_header"),
    [pytest.param(name, first, second, id=locale) for locale, name, first, second in LOCALE_HEADERS],
)
def test_locale_header(tmp_path: Path, file_name: str, first_header: str, second_header: str) -> None:
    lines = [
        first_header + "Are we still on for tomorrow?",
        "Train leaves at 8:15, platform 4: be early",
        second_header + "Yes",
    ]
    records = read_export(write_export(tmp_path, lines, name=file_name))
    items = interactions_of(records)

    assert errors_of(records) == []
    assert [item.metadata["timestamp_local"] for item in items] == ["2023-01-15T21:41:00", "2023-01-16T08:05:00"]
    assert [item.participants[0].handle for item in items] == ["Bob Example", "Alice Example"]
    assert items[0].content == "Are we still on for tomorrow?\nTrain leaves at 8:15, platform 4: be early"
    assert items[1].content == "Yes"


# (AM marker, PM marker, before the time)
MERIDIEM_MARKERS = [
    ("AM", "PM", False),
    ("am", "pm", False),
    ("a.m.", "p.m.", False),
    ("a. m.", "p. m.", False),
    (f"a.{NBSP}m.", f"p.{NBSP}m.", False),
    ("vorm.", "nachm.", False),
    ("ص", "م", False),
    ("fm", "em", False),
    ("SA", "CH", False),
    ("π.μ.", "μ.μ.", False),
    ("午前", "午後", True),
    ("오전", "오후", True),
    ("上午", "下午", True),
]


@pytest.mark.parametrize(("am", "pm", "before"), MERIDIEM_MARKERS)
@pytest.mark.parametrize("space", [" ", NBSP, NNBSP])
def test_meridiem_marker(tmp_path: Path, am: str, pm: str, before: bool, space: str) -> None:
    def header(day: int, clock: str, marker: str) -> str:
        time = f"{marker}{space}{clock}" if before else f"{clock}{space}{marker}"
        return f"{day}/02/2023, {time} - Bob Example: "

    lines = [
        header(13, "12:05", am) + "just after midnight",
        header(13, "9:41", am) + "morning",
        header(13, "12:57", pm) + "just after noon",
        header(13, "9:41", pm) + "evening",
    ]
    items = interactions_of(read_export(write_export(tmp_path, lines)))

    assert [item.metadata["timestamp_local"][11:16] for item in items] == ["00:05", "09:41", "12:57", "21:41"]
    assert [item.content for item in items] == ["just after midnight", "morning", "just after noon", "evening"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [("15/01/09", "2009-01-15"), ("15/01/23", "2023-01-15"), ("15/01/2023", "2023-01-15"), ("15/01/1999", "1999-01-15")],
)
def test_two_and_four_digit_years(tmp_path: Path, written: str, expected: str) -> None:
    items = interactions_of(read_export(write_export(tmp_path, [f"{written}, 21:41 - Bob Example: hi"])))

    assert items[0].metadata["timestamp_local"] == f"{expected}T21:41:00"


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_line_ends_and_bom(tmp_path: Path, line_end: str, bom: bool) -> None:
    lines = ["15/01/2023, 21:41 - Bob Example: first line", "second line", "16/01/2023, 08:05 - Alice Example: Yes"]
    records = read_export(write_export(tmp_path, lines, line_end=line_end, bom=bom))
    items = interactions_of(records)

    assert errors_of(records) == []
    assert [item.content for item in items] == ["first line\nsecond line", "Yes"]
    assert items[0].metadata["timestamp_local"] == "2023-01-15T21:41:00"


def test_marks_anywhere_in_header(tmp_path: Path) -> None:
    lrm = "\u200e"
    lines = [
        f"{lrm}[15/01/2023,{lrm} 21:41:00{lrm}] Bob Example: {lrm}<attached: 00000012-PHOTO-2023-01-15-21-41-00.jpg>",
        f"[16/01/2023, 08:05:00] {lrm}Alice Example: Yes",
    ]
    items = interactions_of(read_export(write_export(tmp_path, lines, name="_chat.txt")))

    assert [item.metadata["timestamp_local"] for item in items] == ["2023-01-15T21:41:00", "2023-01-16T08:05:00"]
    assert items[0].metadata["attachments"] == ["00000012-PHOTO-2023-01-15-21-41-00.jpg"]
    assert items[1].participants[0].handle == "Alice Example"


def test_android_zip_with_media(tmp_path: Path) -> None:
    lines = [
        "15/01/2023, 21:41 - Bob Example: IMG-20230115-WA0003.jpg (file attached)",
        "Look at this",
        "15/01/2023, 21:42 - Bob Example: Report March.pdf (Dokument angefügt)",
        "16/01/2023, 08:05 - Alice Example: Yes",
    ]
    path = write_zip(
        tmp_path,
        "WhatsApp Chat with Bob Example.zip",
        "WhatsApp Chat with Bob Example.txt",
        lines,
        media=["IMG-20230115-WA0003.jpg", "Report March.pdf"],
    )
    records = read_export(path)
    items = interactions_of(records)

    assert errors_of(records) == []
    assert [item.metadata.get("attachments") for item in items] == [["IMG-20230115-WA0003.jpg"], ["Report March.pdf"], None]
    assert items[0].metadata["caption"] == "Look at this"
    assert {item.thread_id for item in items} == {"Bob Example"}


def test_ios_zip_chat_txt(tmp_path: Path) -> None:
    lines = [
        "[15/01/2023, 21:40:00] Bob Example: \u200eMessages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
        "[15/01/2023, 21:41:05] Bob Example: \u200e<attached: 00000012-PHOTO-2023-01-15-21-41-05.jpg>",
        "[16/01/2023, 08:05:10] Alice Example: Yes",
    ]
    path = write_zip(
        tmp_path, "WhatsApp Chat - Bob Example.zip", "_chat.txt", lines, media=["00000012-PHOTO-2023-01-15-21-41-05.jpg"]
    )
    records = read_export(path)
    items = interactions_of(records)

    assert errors_of(records) == []
    assert [skip.reason for skip in skipped_of(records)] == ["system notice"]
    assert items[0].metadata["attachments"] == ["00000012-PHOTO-2023-01-15-21-41-05.jpg"]
    assert items[0].metadata["timestamp_local"] == "2023-01-15T21:41:05"
    assert {item.thread_id for item in items} == {"Bob Example"}


def test_zip_without_chat_text(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Bob Example.zip"
    write_zip(tmp_path, path.name, "notes.md", ["nothing"])
    records = read_export(path)

    assert interactions_of(records) == []
    assert [(error.location, error.reason) for error in errors_of(records)] == [
        ("file", "the zip file contains no .txt chat")
    ]


def test_other_shape_line_is_text(tmp_path: Path) -> None:
    """A pasted iOS line inside an Android export is text of the message it is in."""
    lines = [
        "15/01/2023, 21:41 - Bob Example: Look what you wrote:",
        "[14/01/2023, 10:00:00] Alice Example: I will be late",
        "15/01/2023, 21:42 - Alice Example: Ha",
    ]
    items = interactions_of(read_export(write_export(tmp_path, lines)))

    assert [item.content for item in items] == [
        "Look what you wrote:\n[14/01/2023, 10:00:00] Alice Example: I will be late",
        "Ha",
    ]
