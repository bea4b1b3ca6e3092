"""Signal bridge: reads the JSON lines of `signal-cli -o json receive`.

`path` is a file of saved output or `-` for standard input, so
`signal-cli -o json receive --timeout -1 | cardmunk-bridge signal -` runs as a live bridge.
Messages become interactions with source `signal` and source id `<author>:<sent ms>`.
"""

from bridges.signal.reader import read

__all__ = ["read"]
