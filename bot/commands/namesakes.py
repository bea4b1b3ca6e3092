"""Tell listed contacts of the same name apart: a handle no namesake has, else `#id`."""

from __future__ import annotations

from typing import Iterable

from bot.commands.context import CommandContext
from bot.format import name_details
from hub.contacts.queries import ContactNotFound, get_contact


async def namesake_details(context: CommandContext, contacts: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Return a detail for each listed (contact id, name) whose name another listed contact shares.

    Handles are read only for the namesakes, so a list without repeated names costs no query.
    """
    listed = {contact_id: {"id": contact_id, "name": name} for contact_id, name in contacts}
    namesakes = []
    for contact_id in name_details(listed.values()):
        try:
            namesakes.append(await get_contact(context.reader, contact_id))
        except ContactNotFound:
            # Merged or deleted since the list was read: its id still tells it apart.
            namesakes.append(listed[contact_id])
    return name_details(namesakes)
