"""What every bridge shares: records, options, the hub client, checkpoints and the command line."""
