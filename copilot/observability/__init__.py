"""Logs (structured, redacted) and metrics."""
