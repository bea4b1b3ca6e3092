"""Build sms-*.xml files in the format of "SMS Backup & Restore" for the tests.

Attribute values are inserted as given, so a test can write character references such as
`&#55357;&#56832;` exactly as the app does.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADER = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    "<!--File Created By SMS Backup & Restore v10.20.002 on 10/03/2024 11:00:00-->\n"
    '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n'
)
FIRST_MESSAGE_MS = 1709913600000  # 2024-03-08T16:00:00Z
OWN_NUMBER = "+15550100"


def sms_line(
    address: str = "+15550142",
    body: str = "See you at 6",
    date: int | str = FIRST_MESSAGE_MS,
    message_type: int | str = 1,
    name: str = "Alice Example",
) -> str:
    """Return one `<sms>` element on one line, as the app writes it."""
    return (
        f'  <sms protocol="0" address="{address}" date="{date}" type="{message_type}" subject="null" '
        f'body="{body}" toa="null" sc_toa="null" service_center="+15550199" read="1" status="-1" '
        f'locked="0" date_sent="{date}" sub_id="1" readable_date="Mar 8, 2024 11:00:00 AM" '
        f'contact_name="{name}" />'
    )


def mms_lines(
    addresses: list[tuple[str, int]],
    text: str | None = "Photos from Sunday",
    box: int | str = 1,
    date: int | str = FIRST_MESSAGE_MS,
    name: str = "Alice Example",
    attachments: list[tuple[str, str]] = (),  # type: ignore[assignment]
    m_type: int | str = 132,
) -> list[str]:
    """Return the lines of one `<mms>` with a SMIL part, attachments, a text part and addrs."""
    address_list = "~".join(address for address, kind in addresses if address != "insert-address-token")
    lines = [
        f'  <mms date="{date}" rr="null" sub="null" ct_t="application/vnd.wap.multipart.related" '
        f'read_status="null" seen="1" msg_box="{box}" address="{address_list}" sub_cs="null" '
        f'resp_st="null" retr_st="null" d_tm="null" text_only="0" exp="null" locked="0" '
        f'm_id="mms-{date}@mmsc.example.com" st="null" retr_txt_cs="null" retr_txt="null" '
        f'creator="com.google.android.apps.messaging" date_sent="0" read="1" m_size="2048" '
        f'rpt_a="null" ct_cls="null" pri="null" sub_id="1" tr_id="T{date}" resp_txt="null" '
        f'ct_l="null" m_cls="personal" d_rpt="129" v="18" _id="12" m_type="{m_type}" '
        f'readable_date="Mar 8, 2024 12:00:00 PM" contact_name="{name}">',
        "    <parts>",
        '      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" '
        'cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;/smil&gt;" />',
    ]
    for content_type, file_name in attachments:
        lines.append(
            f'      <part seq="0" ct="{content_type}" name="{file_name}" chset="null" cd="null" fn="null" '
            f'cid="&lt;{file_name}&gt;" cl="{file_name}" ctt_s="null" ctt_t="null" text="null" data="AAAA" />'
        )
    if text is not None:
        lines.append(
            '      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" '
            f'cid="&lt;text000001&gt;" cl="text000001.txt" ctt_s="null" ctt_t="null" text="{text}" />'
        )
    lines.append("    </parts>")
    lines.append("    <addrs>")
    for address, kind in addresses:
        lines.append(f'      <addr address="{address}" type="{kind}" charset="106" />')
    lines.append("    </addrs>")
    lines.append("  </mms>")
    return lines


def write_sms(folder: Path, lines: list[str], name: str = "sms-20240310110000.xml") -> str:
    """Write a backup file with the given record lines and return its path."""
    path = folder / name
    path.write_text(
        HEADER
        + '<smses count="1" backup_set="0b8e2c7a-0000-4000-8000-000000000008" '
        + 'backup_date="1710064800000" type="full">\n'
        + "\n".join(lines)
        + "\n</smses>\n",
        encoding="utf-8",
    )
    return str(path)
