"""Message bodies: part choice, HTML to text, attachments, charsets, format=flowed, people."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bridges.core.records import InteractionItem, ReadOptions
from bridges.email import read
from tests.bridges.casekit import interactions_of
from tests.bridges.email.mailfiles import OWNER_OPTIONS, message, write

HEAD = (
    "From: Bob Example <bob@example.com>\n"
    "To: Alice Example <alice@example.com>\n"
    "Subject: Notes\n"
    "Date: Fri, 08 Mar 2024 16:10:00 -0500\n"
    "Message-ID: <notes@example.com>\n"
    "MIME-Version: 1.0\n"
)


def _read_one(tmp_path: Path, data: bytes, options: ReadOptions = OWNER_OPTIONS) -> InteractionItem:
    (item,) = interactions_of(read(write(tmp_path / "message.eml", data), options))
    return item


def _mime(text: str) -> bytes:
    return (HEAD + text).encode("utf-8")


def test_single_part_html(tmp_path: Path) -> None:
    data = _mime(
        "Content-Type: text/html; charset=utf-8\n\n"
        "<html><head><title>Newsletter</title><style>p { color: red; }</style></head>\n"
        "<body><!--[if mso]><p>Outlook only</p><![endif]--><p>Caf&eacute; at\n  <b>noon</b>?</p>"
        "<script>track()</script><ul><li>bread</li><li>milk</li></ul></body></html>\n"
    )

    item = _read_one(tmp_path, data)

    assert item.content == "Café at noon?\n\n- bread\n- milk"


def test_gmail_html_line_structure(tmp_path: Path) -> None:
    data = _mime(
        'Content-Type: text/html; charset="UTF-8"\n\n'
        '<div dir="ltr">Hi Alice,<div><br></div><div>the train leaves at 8.</div><div>Bob<br>'
        "<br></div></div>\n"
    )

    item = _read_one(tmp_path, data)

    assert item.content == "Hi Alice,\n\nthe train leaves at 8.\nBob"


def test_plain_preferred_over_html(tmp_path: Path) -> None:
    data = _mime(
        'Content-Type: multipart/alternative; boundary="alt"\n\n'
        "--alt\nContent-Type: text/plain; charset=utf-8\n\nPlain version.\n"
        "--alt\nContent-Type: text/html; charset=utf-8\n\n<p>HTML version.</p>\n"
        "--alt--\n"
    )

    item = _read_one(tmp_path, data)

    assert item.content == "Plain version."


def test_empty_plain_alternative_uses_html(tmp_path: Path) -> None:
    data = _mime(
        'Content-Type: multipart/alternative; boundary="alt"\n\n'
        "--alt\nContent-Type: text/plain; charset=utf-8\n\n\n"
        "--alt\nContent-Type: multipart/related; boundary=\"rel\"\n\n"
        "--rel\nContent-Type: text/html; charset=utf-8\n\n<p>See the <img src=\"cid:logo\"> logo.</p>\n"
        "--rel\nContent-Type: image/png; name=\"logo.png\"\nContent-ID: <logo>\n"
        "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
        "--rel--\n"
        "--alt--\n"
    )

    item = _read_one(tmp_path, data)

    assert item.content == "See the logo."
    assert item.metadata["attachments"] == ["logo.png"]


def test_attachments_listed_not_in_content(tmp_path: Path) -> None:
    pdf = base64.b64encode(b"%PDF-1.4 secret attachment text").decode()
    data = _mime(
        'Content-Type: multipart/mixed; boundary="mix"\n\n'
        "--mix\nContent-Type: text/plain; charset=utf-8\n\nPlease find the files attached.\n"
        f'--mix\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="report.pdf"\n'
        f"Content-Transfer-Encoding: base64\n\n{pdf}\n"
        "--mix\nContent-Type: text/plain; charset=utf-8\n"
        'Content-Disposition: attachment; filename="notes.txt"\n\nattached notes text\n'
        "--mix\nContent-Type: application/pdf\n"
        "Content-Disposition: attachment; filename*=utf-8''Gr%C3%BC%C3%9Fe.pdf\n\nx\n"
        '--mix\nContent-Type: image/jpeg; name="=?utf-8?Q?K=C3=B6ln.jpg?="\n\nx\n'
        "--mix\nContent-Type: message/rfc822\n\nFrom: carol@example.com\nSubject: old\n\nforwarded text\n"
        "--mix\nContent-Type: application/octet-stream\nContent-Disposition: attachment\n\nx\n"
        "--mix--\n"
    )

    item = _read_one(tmp_path, data)

    assert item.content == "Please find the files attached."
    assert item.metadata["attachments"] == [
        "report.pdf",
        "notes.txt",
        "Grüße.pdf",
        "Köln.jpg",
        "attached message",
        "unnamed application/octet-stream",
    ]


def test_inline_text_parts_joined(tmp_path: Path) -> None:
    # Mailing lists append their footer as a second inline part.
    data = _mime(
        'Content-Type: multipart/mixed; boundary="mix"\n\n'
        "--mix\nContent-Type: text/plain; charset=utf-8\n\nThe message.\n"
        "--mix\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: inline\n\n-- \nList footer\n"
        "--mix--\n"
    )

    item = _read_one(tmp_path, data)

    assert item.content == "The message.\n\n--\nList footer"


def test_signed_message_signature_not_listed(tmp_path: Path) -> None:
    data = _mime(
        'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="sig"\n\n'
        "--sig\nContent-Type: text/plain; charset=utf-8\n\nSigned text.\n"
        '--sig\nContent-Type: application/pgp-signature; name="signature.asc"\n\n'
        "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n"
        "--sig--\n"
    )

    item = _read_one(tmp_path, data)

    assert item.content == "Signed text."
    assert "attachments" not in item.metadata


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/plain; format=flowed", "This is a long \nline that was \nwrapped.\nNew line.", "This is a long line that was wrapped.\nNew line."),
        ("text/plain; format=flowed; delsp=yes", "Ein lang \ngezogenes Wort.", "Ein langgezogenes Wort."),
        ("text/plain; format=flowed", "> quoted \n> text\nreply", "> quoted text\nreply"),
        ("text/plain; format=flowed", " From a stuffed line", "From a stuffed line"),
        ("text/plain; format=flowed", "Bye\n-- \nBob", "Bye\n--\nBob"),
        ("text/plain", "Not flowed \nat all", "Not flowed\nat all"),
    ],
)
def test_format_flowed(tmp_path: Path, content_type: str, body: str, expected: str) -> None:
    item = _read_one(tmp_path, message(content_type=content_type + "; charset=utf-8", body=body))

    assert item.content == expected


@pytest.mark.parametrize(
    ("charset", "payload", "expected"),
    [
        ("iso-8859-1", "Grüße".encode("latin-1"), "Grüße"),
        ("iso-8859-1", "Grüße".encode("utf-8"), "Grüße"),
        ("us-ascii", "Grüße".encode("utf-8"), "Grüße"),
        ("utf-8", "Grüße".encode("cp1252"), "Grüße"),
        ("x-unknown", "Grüße".encode("utf-8"), "Grüße"),
        (None, "Grüße".encode("utf-8"), "Grüße"),
        (None, "Grüße".encode("cp1252"), "Grüße"),
        ("iso-8859-1", "5 €".encode("cp1252"), "5 €"),
        ("koi8-r", "Привет".encode("koi8-r"), "Привет"),
        ("gb2312", "你好 瑩".encode("gb18030"), "你好 瑩"),
        ("ks_c_5601-1987", "안녕".encode("cp949"), "안녕"),
        ("shift_jis", "会議①".encode("cp932"), "会議①"),
        ("base64", "Grüße".encode("utf-8"), "Grüße"),
    ],
)
def test_body_charsets(tmp_path: Path, charset: str | None, payload: bytes, expected: str) -> None:
    content_type = f"text/plain; charset={charset}" if charset else "text/plain"
    data = (HEAD + f"Content-Type: {content_type}\nContent-Transfer-Encoding: base64\n\n").encode()
    data += base64.b64encode(payload) + b"\n"

    item = _read_one(tmp_path, data)

    assert item.content == expected


def test_quoted_printable_soft_breaks(tmp_path: Path) -> None:
    data = (HEAD + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
            "A long line that was bro=\nken, Gr=C3=BC=C3=9Fe.=20\n").encode()

    item = _read_one(tmp_path, data)

    assert item.content == "A long line that was broken, Grüße."


def test_outbound_owner_case_insensitive(tmp_path: Path) -> None:
    data = message(
        sender="Alice <Alice@EXAMPLE.com>",
        to="Bob <bob@example.com>, alice@example.com",
        headers=("Cc: Carol <carol@example.com>, ALICE@example.com",),
    )

    item = _read_one(tmp_path, data, ReadOptions(me=("+15550100", "alice@example.com")))

    assert item.direction == "outbound"
    assert [(p.handle, p.role) for p in item.participants] == [("bob@example.com", "to"), ("carol@example.com", "cc")]


def test_inbound_owner_left_out(tmp_path: Path) -> None:
    data = message(sender="Bob <bob@example.com>", to="Alice <alice@example.com>, Carol <carol@example.com>")

    item = _read_one(tmp_path, data)

    assert item.direction == "inbound"
    assert [(p.handle, p.name, p.role) for p in item.participants] == [
        ("bob@example.com", "Bob", "from"),
        ("carol@example.com", "Carol", "to"),
    ]


def test_second_owner_address_outbound(tmp_path: Path) -> None:
    item = _read_one(tmp_path, message(sender="alice@work.example.com"), ReadOptions(me=("alice@example.com", "Alice@Work.example.com")))

    assert item.direction == "outbound"


def test_many_attachments_truncated(tmp_path: Path) -> None:
    parts = "".join(
        f'--mix\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="{"Übersicht" * 30}-{number}.pdf"\n\nx\n'
        for number in range(300)
    )
    data = _mime(f'Content-Type: multipart/mixed; boundary="mix"\n\n--mix\nContent-Type: text/plain\n\nFiles.\n{parts}--mix--\n')

    item = _read_one(tmp_path, data)

    assert item.content == "Files."
    assert 0 < len(item.metadata["attachments"]) < 300
    assert item.metadata["attachments_truncated"] is True
    assert all(len(name) <= 200 for name in item.metadata["attachments"])
