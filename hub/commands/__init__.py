"""The subcommands of `cardmunk-hub`, one module each."""
