"""Merge another contact into this one: pick it by search, confirm, post (admin logins only).

`GET /contacts/{id}/merge?q=...` lists candidates, `GET ...?source=ID` shows what the merge
will do, and `POST /contacts/{id}/merge` (with the CSRF token) runs
`hub.contacts.edits.merge_contacts` through the writer.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from hub import keys
from hub.contacts.edits import ContactConflict, merge_contacts
from hub.contacts.queries import ContactNotFound, get_contact, list_contacts
from hub.web.pages import PageError, check_csrf, current_session, page, read_form, see_other
from hub.web.render import render
from hub.web.views.contacts import MAX_NAME_QUERY_CHARS, load_contact

logger = logging.getLogger(__name__)

MAX_CANDIDATES = 20


@page(admin_only=True)
async def merge_page(request: web.Request) -> web.StreamResponse:
    target = await load_contact(request)
    source_text = request.query.get("source", "")
    if source_text:
        source = await _load_source(request, target, source_text)
        return render(request, "merge_confirm.html", {"contact": target, "source": source, "nav": "contacts"})

    q = request.query.get("q", "")[:MAX_NAME_QUERY_CHARS].strip()
    result = await list_contacts(request.app[keys.DATABASE].reader, q=q or None, sort="last_interaction",
                                 limit=MAX_CANDIDATES + 1, cursor=None)
    candidates = [candidate for candidate in result.contacts if candidate["id"] != target["id"]]
    context = {"contact": target, "q": q, "candidates": candidates[:MAX_CANDIDATES], "nav": "contacts"}
    return render(request, "merge.html", context)


@page(admin_only=True)
async def merge(request: web.Request) -> web.StreamResponse:
    target_id = (await load_contact(request))["id"]
    form = await read_form(request)
    check_csrf(current_session(request), form)
    source_id = _contact_id(form.get("source", ""))

    def run(transaction: Any) -> None:
        merge_contacts(transaction.connection, target_id, source_id)

    try:
        await request.app[keys.DATABASE].writer.submit(run, name="contact-merge")
    except ContactNotFound as exc:
        raise PageError(404, f"Contact {exc.contact_id} does not exist; it may have been merged already.") from None
    except ContactConflict as exc:
        raise PageError(409, f"Cannot merge: {exc}.") from None
    logger.info("merged contact %d into %d from the web page", source_id, target_id)
    return see_other(f"/contacts/{target_id}?merged=1")


async def _load_source(request: web.Request, target: dict[str, Any], source_text: str) -> dict[str, Any]:
    source_id = _contact_id(source_text)
    if source_id == target["id"]:
        raise PageError(409, "A contact cannot be merged into itself; pick another contact.")
    try:
        return await get_contact(request.app[keys.DATABASE].reader, source_id)
    except ContactNotFound:
        raise PageError(404, f"Contact {source_id} does not exist; it may have been merged already.") from None


def _contact_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise PageError(400, "Pick the contact to merge from the list.") from None
    if not 1 <= value <= 2**63 - 1:
        raise PageError(400, "Pick the contact to merge from the list.")
    return value
