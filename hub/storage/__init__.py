"""SQLite storage: connection setup, schema migrations, the single writer and the read pool."""
