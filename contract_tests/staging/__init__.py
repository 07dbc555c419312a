"""Staging safety: what the server holds before a run, and leaving it as the run found it."""
