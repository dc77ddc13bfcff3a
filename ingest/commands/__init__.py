"""Sub-commands of `cchc-inbox`, one module per area; ingest/cli.py registers them."""
