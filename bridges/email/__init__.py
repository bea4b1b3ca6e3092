"""Email bridge: reads mbox files, Maildirs and .eml files into email interactions.

`read(path, options)` yields one record per message: an `InteractionItem` of type
`email`, a `Skipped` record for messages deleted but not yet purged, or a `ParseError`
(for example for a message without a usable Date). The source_id is the Message-ID;
see `bridges.email.identity` for messages without one or with a reused one.

Modules: `sources` finds the messages under a path, `mbox` splits mbox files,
`headers`, `charsets` and `dates` decode header fields, `body` and `html_text` extract
the text, `identity` assigns source_ids, `message` builds the item, `reader` runs both
passes.
"""

from bridges.email.reader import read

__all__ = ["read"]
