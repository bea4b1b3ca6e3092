"""Cardmunk interactions hub: ingestion API, SQLite FTS5 store, contacts, search and scores."""
