"""Bridges: separate processes that read a person's exports and push interactions to the hub."""
