"""The hub fixtures (a real app on a real SQLite file) for the score tests."""

from tests.hub.conftest import hub, hub_factory  # noqa: F401
