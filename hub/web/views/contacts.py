"""The Contacts page (`/contacts`), a contact's page and its Activity tab."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.contacts.queries import CONTACT_SORTS, ContactNotFound, get_contact, list_contacts
from hub.cursor import InvalidCursor
from hub.web.charts import trend_chart
from hub.web.pages import PageError, page
from hub.web.paging import Paging, build_url
from hub.web.render import render
from hub.web.scores import contact_score, display_scores
from hub.web.views.interactions import page_id, search_context

PAGE_SIZE = 50
MAX_NAME_QUERY_CHARS = 200
SORT_LABELS = {"score": "Score", "name": "Name", "last_interaction": "Last interaction"}


@page()
async def contacts_page(request: web.Request) -> web.StreamResponse:
    q = request.query.get("q", "")[:MAX_NAME_QUERY_CHARS].strip()
    sorts = [sort for sort in SORT_LABELS if sort in CONTACT_SORTS]
    sort = request.query.get("sort", "") or sorts[0]
    paging = Paging.from_request(request)
    params = {"q": q, "sort": sort}
    context: dict[str, Any] = {
        "q": q, "sort": sort, "sorts": {name: SORT_LABELS[name] for name in sorts},
        "sort_urls": {name: build_url("/contacts", {"q": q, "sort": name}) for name in sorts},
        "contacts": [], "scores": {},
        "error": None, "next_url": None, "previous_url": None, "first_url": None, "nav": "contacts",
    }
    if sort not in sorts:
        context["error"] = f"Sort {sort!r} is unknown; use one of {', '.join(sorts)}."
        return render(request, "contacts.html", context, status=400)

    try:
        result = await list_contacts(request.app[keys.DATABASE].reader, q=q or None, sort=sort,
                                     limit=PAGE_SIZE, cursor=paging.cursor)
    except InvalidCursor:
        context["error"] = "This page link is out of date; start again from the first page."
        return render(request, "contacts.html", context, status=400)
    context.update(
        contacts=result.contacts,
        scores=await display_scores(request, [contact["id"] for contact in result.contacts]),
        next_url=paging.next_url("/contacts", params, result.next_cursor),
        previous_url=paging.previous_url("/contacts", params),
        first_url=paging.first_url("/contacts", params),
    )
    return render(request, "contacts.html", context)


@page()
async def contact_page(request: web.Request) -> web.StreamResponse:
    contact = await load_contact(request)
    score = await contact_score(request, contact["id"])
    context = {
        "contact": contact, "score": score, "tab": "overview", "nav": "contacts",
        "trend_chart": trend_chart(score["trend"]) if score else None,
        "merged": request.query.get("merged") == "1",
    }
    return render(request, "contact.html", context)


@page()
async def activity_page(request: web.Request) -> web.StreamResponse:
    contact = await load_contact(request)
    context, status = await search_context(request, f"/contacts/{contact['id']}/activity", contact["id"])
    context.update(contact=contact, tab="activity", nav="contacts")
    return render(request, "activity.html", context, status=status)


async def load_contact(request: web.Request) -> dict[str, Any]:
    contact_id = page_id(request)
    try:
        return await get_contact(request.app[keys.DATABASE].reader, contact_id)
    except ContactNotFound:
        raise PageError(404, f"Contact {contact_id} does not exist; it may have been merged or deleted.") from None
