"""The Interactions page (`/`): every interaction, searchable; and one interaction in full."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from hub import keys
from hub.api.params import path_id
from hub.cursor import InvalidCursor
from hub.errors import BadRequest
from hub.search.engine import InteractionNotFound, get_interaction, search_interactions
from hub.search.syntax import QuerySyntaxError
from hub.storage.errors import QueryTimeout
from hub.web.pages import PageError, page
from hub.web.paging import Paging
from hub.web.render import render
from hub.web.search_form import SearchForm

PAGE_SIZE = 25


@page()
async def interactions_page(request: web.Request) -> web.StreamResponse:
    context, status = await search_context(request, "/")
    return render(request, "interactions.html", {**context, "nav": "interactions"}, status=status)


@page()
async def interaction_page(request: web.Request) -> web.StreamResponse:
    interaction_id = page_id(request)
    try:
        interaction = await get_interaction(request.app[keys.DATABASE].reader, interaction_id)
    except InteractionNotFound:
        raise PageError(404, f"Interaction {interaction_id} does not exist; it may have been deleted.") from None
    return render(request, "interaction.html", {"interaction": interaction, "nav": "interactions"})


async def search_context(request: web.Request, path: str, contact_id: int | None = None) -> tuple[dict[str, Any], int]:
    """Run the page's search form and return the template context and the HTTP status.

    A query the person must fix (bad syntax, a stale page link, too slow) comes back as
    `error` with status 400 or 422, and the form keeps what they typed.
    """
    form = SearchForm.from_request(request)
    paging = Paging.from_request(request)
    context: dict[str, Any] = {
        "form": form, "form_action": path, "hits": [], "sort": "time", "error": None,
        "next_url": None, "previous_url": None, "first_url": None, "hidden_contact_id": contact_id,
    }
    zone = ZoneInfo(request.app[keys.SETTINGS].owner.timezone)
    try:
        query = form.to_query(zone)
    except QuerySyntaxError as exc:
        context["error"] = str(exc)
        return context, 400
    if query is None:
        return context, 200

    try:
        result = await search_interactions(request.app[keys.DATABASE].reader, query, sort=form.sort or None,
                                           limit=PAGE_SIZE, cursor=paging.cursor, contact_id=contact_id)
    except InvalidCursor:
        context["error"] = "This page link is out of date; start again from the first page."
        return context, 400
    except QueryTimeout:
        context["error"] = "The search took too long; add words, a longer prefix or a filter."
        return context, 422

    params = form.params
    context.update(
        hits=result.hits, sort=result.sort,
        next_url=paging.next_url(path, params, result.next_cursor),
        previous_url=paging.previous_url(path, params),
        first_url=paging.first_url(path, params),
    )
    return context, 200


def page_id(request: web.Request) -> int:
    """Return the `{id}` of the path; a PageError 404 when it is not a positive integer."""
    try:
        return path_id(request)
    except BadRequest:
        raise PageError(404, "There is no such page.") from None
