"""Feedback in a SQL database: SQLite in the data directory by default (one file, no server), PostgreSQL when
`feedback.database_url` names one (shared by every replica). One set of statements serves both; a backend brings
its connections, its placeholder and its column types. PostgreSQL's driver is imported only when it is used."""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.errors import ConfigurationInvalid
from copilot.feedback.models import ACTIONS, FalseAlarm, FeedbackEvent, FeedbackStats, ScenarioFeedback
from copilot.feedback.schema import LATEST, MIGRATIONS, VERSION_TABLE
from copilot.privacy.redact import mask
from copilot.registry import Registry
from copilot.settings import Settings

log = logging.getLogger("copilot.feedback")
# A DB-API connection (sqlite3's or psycopg's): both have execute() returning a cursor with fetchone/fetchall.
Database = Any


@dataclass(frozen=True)
class Dialect:
    placeholder: str
    id: str  # an auto-numbered primary key
    key: str  # a column referencing one
    real: str

    def sql(self, statement: str) -> str:
        return statement.replace("?", self.placeholder).format(id=self.id, key=self.key, real=self.real)


class FeedbackStore(ABC):
    """Thread-safe: handlers run on FastAPI's worker threads. The schema is brought up to date on first use."""

    dialect: Dialect

    def __init__(self) -> None:
        self._ready = False
        self._migrating = threading.Lock()

    @abstractmethod
    def _transaction(self, write: bool) -> AbstractContextManager[Database]:
        """A connection in a transaction, committed when the block ends without an error."""

    @abstractmethod
    def _has_table(self, db: Database, name: str) -> bool: ...

    def _lock_schema(self, db: Database) -> None:
        """Keep other processes from migrating at the same time (SQLite's write transaction already does)."""
        return None

    def schema_version(self) -> int:
        self._ensure_schema()
        return self._read_version()

    def add(self, events: list[FeedbackEvent], principal: str) -> int:
        self._ensure_schema()
        now = time.time()
        with self._transaction(write=True) as db:
            for e in events:
                row = db.execute(self._sql("INSERT INTO feedback (at, principal, action, scenario_id, kind, rule_id, "
                                           "rank, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                                 (now, principal, e.action, e.scenario_id, e.kind, e.rule_id, e.rank, e.session_id))
                feedback_id = row.fetchone()[0]
                if e.action == "false_alarm" and e.draft is not None:
                    db.execute(self._sql('INSERT INTO false_alarm (feedback_id, draft, start, "end", category, '
                                         "channel) VALUES (?, ?, ?, ?, ?, ?)"),
                               (feedback_id, mask(e.draft), e.start, e.end, e.category, e.channel))
        return len(events)

    def false_alarms(self) -> list[FalseAlarm]:
        """Every false alarm reported, oldest first."""
        self._ensure_schema()
        with self._transaction(write=False) as db:
            rows = db.execute('SELECT f.at, a.draft, a.start, a."end", a.category, f.rule_id, a.channel '
                              "FROM false_alarm a JOIN feedback f ON f.id = a.feedback_id ORDER BY f.id").fetchall()
        return [FalseAlarm(at=r[0], draft=r[1], start=r[2], end=r[3], category=r[4], rule_id=r[5], channel=r[6])
                for r in rows]

    def stats(self) -> FeedbackStats:
        self._ensure_schema()
        with self._transaction(write=False) as db:
            rows = db.execute("SELECT action, scenario_id, rule_id, COUNT(*) FROM feedback "
                              "GROUP BY action, scenario_id, rule_id").fetchall()
        by_action: Counter[str] = Counter()
        per_scenario: dict[str, Counter[str]] = defaultdict(Counter)
        replaced: Counter[str] = Counter()
        for action, scenario_id, rule_id, count in rows:
            by_action[action] += count
            if scenario_id:
                per_scenario[scenario_id][action] += count
            if action == "replaced" and rule_id:
                replaced[rule_id] += count
        scenarios = [
            ScenarioFeedback(scenario_id=sid, counts={a: counts[a] for a in ACTIONS if counts[a]},
                             use_rate=round((counts["copied"] + counts["inserted"]) / counts["shown"], 4)
                             if counts["shown"] else 0.0)
            for sid, counts in per_scenario.items()
        ]
        scenarios.sort(key=lambda s: (-s.counts.get("shown", 0), s.scenario_id))
        return FeedbackStats(total=sum(by_action.values()), by_action=dict(by_action), scenarios=scenarios,
                             rules_replaced=dict(replaced.most_common()))

    def close(self) -> None:
        """Release connections."""
        return None

    def _sql(self, statement: str) -> str:
        return self.dialect.sql(statement)

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        with self._migrating:
            if not self._ready:
                self._migrate()
                self._ready = True

    def _migrate(self) -> None:
        with self._transaction(write=True) as db:
            self._lock_schema(db)
            db.execute(VERSION_TABLE)
            if db.execute("SELECT version FROM schema_version").fetchone() is None:
                # tables without a recorded version: a file written before versions were kept (version 1)
                db.execute(self._sql("INSERT INTO schema_version (version) VALUES (?)"),
                           (1 if self._has_table(db, "feedback") else 0,))
        version = self._read_version()
        if version > LATEST:
            raise ConfigurationInvalid(f"the feedback database is at schema version {version}, newer than this "
                                       f"copilot knows ({LATEST}): upgrade the copilot",
                                       {"version": version, "latest": LATEST})
        for migration in MIGRATIONS:
            if migration.version <= version:
                continue
            with self._transaction(write=True) as db:
                self._lock_schema(db)
                if self._version(db) >= migration.version:  # another replica got there first
                    continue
                for statement in migration.statements:
                    db.execute(self._sql(statement))
                db.execute(self._sql("UPDATE schema_version SET version = ?"), (migration.version,))
            log.info("feedback database migrated to version %d: %s", migration.version, migration.description)

    def _read_version(self) -> int:
        with self._transaction(write=False) as db:
            return self._version(db)

    @staticmethod
    def _version(db: Database) -> int:
        return int(db.execute("SELECT version FROM schema_version").fetchone()[0])


StoreFactory = Callable[[str, Settings], FeedbackStore]
BACKENDS: Registry[StoreFactory] = Registry("feedback database")


@BACKENDS.register("sqlite")
def _sqlite(url: str, settings: Settings) -> FeedbackStore:
    from copilot.feedback.sqlite import SqliteFeedbackStore

    path = url.removeprefix("sqlite:///")  # sqlite:///relative/path or sqlite:////absolute/path
    return SqliteFeedbackStore(Path(path) if url else settings.paths.feedback_path)


@BACKENDS.register("postgresql")
def _postgresql(url: str, settings: Settings) -> FeedbackStore:
    from copilot.feedback.postgres import PostgresFeedbackStore

    return PostgresFeedbackStore(url, settings.feedback.pool_size)


def open_feedback(settings: Settings) -> FeedbackStore:
    """The store `feedback.database_url` names (SQLite in the data directory when empty). Connects on first use."""
    url = settings.feedback.database_url.get_secret_value() if settings.feedback.database_url else ""
    scheme = url.partition(":")[0].split("+")[0] if url else "sqlite"
    return BACKENDS.get("postgresql" if scheme == "postgres" else scheme)(url, settings)
