"""The feedback database's schema, as numbered migrations. A database records the version it is at; opening it
applies the migrations after that version, each in its own transaction, so an older file or database is brought
up to date and a newer one is refused rather than misread."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]  # {id}, {key} and {real} are the backend's column types


MIGRATIONS: tuple[Migration, ...] = (
    # Version 1 is the schema SQLite files had before versions were recorded: such a file is adopted as version 1.
    Migration(1, "feedback events and the false alarms agents reported", (
        """CREATE TABLE IF NOT EXISTS feedback (
            id {id},
            at {real} NOT NULL,
            principal TEXT NOT NULL,
            action TEXT NOT NULL,
            scenario_id TEXT,
            kind TEXT,
            rule_id TEXT,
            rank INTEGER,
            session_id TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS feedback_scenario ON feedback (scenario_id, action)",
        """CREATE TABLE IF NOT EXISTS false_alarm (
            feedback_id {key} PRIMARY KEY REFERENCES feedback (id),
            draft TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            category TEXT,
            channel TEXT
        )""",
    )),
    # The stats group every event by (action, scenario_id, rule_id): an index on exactly those answers it from the
    # index alone, which matters once a shared database holds every replica's events.
    Migration(2, "an index that covers the stats query", (
        "DROP INDEX IF EXISTS feedback_scenario",
        "CREATE INDEX IF NOT EXISTS feedback_stats ON feedback (action, scenario_id, rule_id)",
    )),
)
LATEST = MIGRATIONS[-1].version
VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
