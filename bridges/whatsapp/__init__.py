"""WhatsApp: reads the chat exports of WhatsApp for Android and iOS ("Export chat").

`read(path, options)` takes the exported .txt or the .zip holding it and its media, in
any of WhatsApp's locales. Exports carry local wall-clock times only (`options.timezone`
is required) and no message ids; `source_id` explains the ids this reader derives.
"""

from bridges.whatsapp.reader import read

__all__ = ["read"]
