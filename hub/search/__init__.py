"""Search over interactions: the shared query syntax, FTS5 SQL building, and running it."""
