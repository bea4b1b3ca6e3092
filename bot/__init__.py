"""The Telegram bot: /search, /contact and /score for the owner, inside `cardmunk-hub serve`."""
