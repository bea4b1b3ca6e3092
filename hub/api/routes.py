"""Every route of the API in one table: the router and the OpenAPI document both read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from aiohttp import web
from pydantic import BaseModel

from hub.api import contacts, health, ingest, interactions
from hub.api.middleware import Handler, required_scope


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    parameters: tuple[str, ...] = ()  # names of query parameters, described in openapi.py
    body: type[BaseModel] | str | None = None
    responses: dict[int, str] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        scope = required_scope(self.handler)
        if scope is None:
            raise RuntimeError(f"{self.method} {self.path} declares no scope; decorate it with @requires")
        return scope


SEARCH_PARAMETERS = ("q", "source", "type", "contact", "since", "until", "sort", "limit", "cursor")

ROUTES: list[Route] = [
    Route("GET", "/healthz", health.healthz, "Liveness and database check", responses={200: "ok", 503: "database unavailable"}),
    Route("POST", "/api/v1/interactions", ingest.post_interactions,
          "Push one interaction or a batch of up to 1,000",
          body="IngestBody", responses={200: "a result per item"}),
    Route("GET", "/api/v1/interactions", interactions.list_interactions,
          "Search interactions", SEARCH_PARAMETERS, responses={200: "a page of interactions"}),
    Route("GET", "/api/v1/interactions/{id}", interactions.read_interaction,
          "One interaction with its content", responses={200: "the interaction", 404: "not found"}),
    Route("GET", "/api/v1/contacts", contacts.list_contacts_route,
          "List and search contacts", ("q", "contact_sort", "limit", "cursor"), responses={200: "a page of contacts"}),
    Route("POST", "/api/v1/contacts", contacts.create_contact_route, "Create a contact",
          body=contacts.ContactIn, responses={201: "the new contact", 409: "a handle belongs to another contact"}),
    Route("GET", "/api/v1/contacts/{id}", contacts.get_contact_route, "A contact's card",
          responses={200: "the contact", 404: "not found"}),
    Route("PATCH", "/api/v1/contacts/{id}", contacts.rename_contact_route, "Rename a contact",
          body=contacts.RenameIn, responses={200: "the contact", 404: "not found"}),
    Route("DELETE", "/api/v1/contacts/{id}", contacts.delete_contact_route,
          "Delete a contact and erase the interactions only they took part in",
          responses={200: "what was deleted", 404: "not found"}),
    Route("POST", "/api/v1/contacts/{id}/handles", contacts.add_handle_route, "Add a handle to a contact",
          body=contacts.HandleIn, responses={201: "the contact", 404: "not found", 409: "handle belongs to another contact"}),
    Route("DELETE", "/api/v1/contacts/{id}/handles/{handle_id}", contacts.remove_handle_route,
          "Detach a handle into a contact of its own",
          responses={200: "the new contact's id", 404: "not found", 409: "the contact's only handle"}),
    Route("POST", "/api/v1/contacts/{id}/merge", contacts.merge_contact_route,
          "Merge another contact into this one", body=contacts.MergeIn,
          responses={200: "the merged contact", 404: "not found", 409: "same contact"}),
    Route("GET", "/api/v1/contacts/{id}/interactions", interactions.contact_interactions,
          "A contact's activity, with the search filters", SEARCH_PARAMETERS,
          responses={200: "a page of interactions", 404: "contact not found"}),
]


def add_routes(app: web.Application, routes: list[Route]) -> None:
    for route in routes:
        route.scope  # noqa: B018 - fails at startup for an undeclared scope
        app.router.add_route(route.method, route.path, route.handler)


# Routes added by later features (scores, bot webhook, web pages) so they appear in the
# OpenAPI document and the auth matrix.
EXTRA_ROUTES: web.AppKey[list[Route]] = web.AppKey("extra_routes", list)  # type: ignore[arg-type]


def all_routes(app: web.Application) -> list[Route]:
    return [*ROUTES, *app.get(EXTRA_ROUTES, [])]


