"""The JSON API: one module per resource, plus auth, errors and the OpenAPI document."""
