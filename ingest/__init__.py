"""The imperative shell: configuration, IMAP, the worker, the command line."""
