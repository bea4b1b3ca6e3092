"""Contacts: people, their handles on each network, and how participants are linked to them."""
