"""Build calls-*.xml files in the format of "SMS Backup & Restore" for the tests.

Attribute values are inserted as given, so a test can write character references such as
`&#55357;&#56832;` exactly as the app does.
"""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    "<!--File Created By SMS Backup & Restore v10.20.002 on 10/03/2024 11:00:00-->\n"
    '<?xml-stylesheet type="text/xsl" href="calls.xsl"?>\n'
)
SERVICE = "com.android.phone/com.android.services.telephony.TelephonyConnectionService"
FIRST_CALL_MS = 1709913600000  # 2024-03-08T16:00:00Z


def call_line(
    number: str = "+15550142",
    duration: int | str = 95,
    date: int | str = FIRST_CALL_MS,
    call_type: int | str = 1,
    presentation: int | str | None = 1,
    name: str = "Alice Example",
) -> str:
    """Return one `<call>` element on one line, as the app writes it."""
    presentation_attribute = "" if presentation is None else f'presentation="{presentation}" '
    return (
        f'  <call number="{number}" duration="{duration}" date="{date}" type="{call_type}" '
        f'{presentation_attribute}subscription_id="1" post_dial_digits="" '
        f'subscription_component_name="{SERVICE}" readable_date="Mar 8, 2024 11:00:00 AM" '
        f'contact_name="{name}" />'
    )


def write_calls(folder: Path, lines: list[str], name: str = "calls-20240310110000.xml") -> str:
    """Write a backup file with the given `<call>` lines and return its path."""
    path = folder / name
    body = "\n".join(lines)
    path.write_text(
        HEADER
        + f'<calls count="{len(lines)}" backup_set="0b8e2c7a-0000-4000-8000-000000000009" '
        + 'backup_date="1710064800000" type="full">\n'
        + body
        + "\n</calls>\n",
        encoding="utf-8",
    )
    return str(path)
