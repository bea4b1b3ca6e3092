"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 document, built from the route table."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel

from hub.api.middleware import requires
from hub.api.routes import Route, all_routes
from hub.ingest.item import MAX_BATCH_ITEMS, InteractionItem
from hub.search.engine import MAX_LIMIT, SORTS
from hub.contacts.queries import CONTACT_SORTS

_PARAMETERS: dict[str, dict[str, Any]] = {
    "q": {"description": "Search text in the shared query syntax (words, \"phrases\", prefix*, "
                         "source:, type:, with:, after:, before:).", "schema": {"type": "string", "maxLength": 1000}},
    "source": {"description": "Only these sources (comma-separated or repeated).",
               "schema": {"type": "string"}, "explode": True},
    "type": {"description": "Only these interaction types (comma-separated or repeated).",
             "schema": {"type": "string"}},
    "contact": {"description": "Only interactions with this contact id.", "schema": {"type": "integer", "minimum": 1}},
    "since": {"description": "At or after this date or RFC 3339 timestamp.", "schema": {"type": "string"}},
    "until": {"description": "Before this RFC 3339 timestamp, or up to and including this date.",
              "schema": {"type": "string"}},
    "sort": {"description": "relevance (with search text) or time (newest first).",
             "schema": {"type": "string", "enum": list(SORTS)}},
    "contact_sort": {"name": "sort", "description": "name (A-Z), last_interaction (most recent first)"
                                                     " or score (highest activity score first).",
                     "schema": {"type": "string", "enum": list(CONTACT_SORTS)}},
    "limit": {"description": "Page size.", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}},
    "fading_limit": {"description": "Most fading contacts listed; 0 lists none.",
                     "schema": {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT}},
    "cursor": {"description": "next_cursor of the previous page.", "schema": {"type": "string"}},
}

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}

_INGEST_RESPONSE = {
    "type": "object",
    "required": ["results", "counts"],
    "properties": {
        "results": {"type": "array", "items": {
            "type": "object",
            "required": ["index", "status"],
            "properties": {
                "index": {"type": "integer"},
                "status": {"type": "string", "enum": ["created", "duplicate", "invalid"]},
                "id": {"type": "integer"},
                "errors": {"type": "array", "items": {
                    "type": "object", "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
            },
        }},
        "counts": {"type": "object", "properties": {
            "created": {"type": "integer"}, "duplicate": {"type": "integer"}, "invalid": {"type": "integer"}}},
    },
}

_STANDARD_ERRORS = {400: "invalid request", 401: "missing or unknown token", 403: "token scope too narrow",
                    503: "storage unavailable; retry after Retry-After seconds"}
_BODY_ERRORS = {413: "body too large", 415: "body is not JSON"}


def build_openapi(routes: list[Route]) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": _ERROR_SCHEMA, "IngestResponse": _INGEST_RESPONSE}
    paths: dict[str, Any] = {}
    for route in routes:
        operation = _operation(route, schemas)
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cardmunk hub API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from `cardmunk-hub token create`."}},
        },
    }


def _operation(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": f"{route.method.lower()}_{route.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
        "x-scope": route.scope,
    }
    parameters = [_path_parameter(name) for name in _path_names(route.path)]
    for name in route.parameters:
        spec = dict(_PARAMETERS[name])
        parameters.append({"name": spec.pop("name", name), "in": "query", "required": False, **spec})
    if parameters:
        operation["parameters"] = parameters
    if route.scope != "public":
        operation["security"] = [{"bearer": []}]

    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _body_schema(route.body, schemas)}}}

    responses: dict[str, Any] = {}
    for status, description in route.responses.items():
        schema = {"$ref": "#/components/schemas/IngestResponse"} if route.body == "IngestBody" and status == 200 else (
            {"$ref": "#/components/schemas/Error"} if status >= 400 else {"type": "object"})
        responses[str(status)] = {"description": description, "content": {"application/json": {"schema": schema}}}
    extra = dict(_STANDARD_ERRORS)
    if route.scope == "public":
        extra = {503: extra[503]}
    if route.body is not None:
        extra.update(_BODY_ERRORS)
    if route.scope == "read" and route.parameters:
        extra[422] = "search ran past its time budget"
    for status, description in extra.items():
        responses.setdefault(str(status), {"description": description,
                                           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    operation["responses"] = responses
    return operation


def _body_schema(body: type[BaseModel] | str, schemas: dict[str, Any]) -> dict[str, Any]:
    if body == "IngestBody":
        _register(InteractionItem, schemas)
        item = {"$ref": "#/components/schemas/InteractionItem"}
        return {"oneOf": [item, {"type": "object", "required": ["interactions"], "additionalProperties": False,
                                 "properties": {"interactions": {"type": "array", "items": item,
                                                                 "maxItems": MAX_BATCH_ITEMS}}}]}
    assert isinstance(body, type)
    _register(body, schemas)
    return {"$ref": f"#/components/schemas/{body.__name__}"}


def _register(model: type[BaseModel], schemas: dict[str, Any]) -> None:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        schemas[name] = definition
    schemas[model.__name__] = schema


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _path_parameter(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


@requires("public")
async def openapi_document(request: web.Request) -> web.Response:
    return web.json_response(build_openapi(all_routes(request.app)))


