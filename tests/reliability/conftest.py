"""Fixtures of the hub tests (a real app on a real SQLite file), shared with these tests."""

from tests.hub.conftest import hub, hub_factory  # noqa: F401
