"""Handlers of the web page's routes, one module per area."""
