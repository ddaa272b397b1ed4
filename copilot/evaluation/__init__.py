"""Offline evaluation: suites in the public JSONL format, metrics per task and scenario."""
