"""Feedback in a SQLite file: durable across restarts, one file, no server (one replica).

A connection per call: sqlite3 connections must not be shared across the threads FastAPI runs handlers on,
and opening one costs microseconds. WAL lets QA read the stats while agents write.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from copilot.feedback.store import Database, Dialect, FeedbackStore


class SqliteFeedbackStore(FeedbackStore):
    dialect = Dialect(placeholder="?", id="INTEGER PRIMARY KEY AUTOINCREMENT", key="INTEGER", real="REAL")

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_ahead_log(path)

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Database]:
        # Explicit transactions (isolation_level None): sqlite3 would otherwise run DDL outside of them. A writer
        # takes the write lock up front so that two processes migrating one file cannot interleave.
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _has_table(self, db: Database, name: str) -> bool:
        return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() \
            is not None


def _write_ahead_log(path: Path, timeout: float = 10.0) -> None:
    """Switch the file to WAL (it stays so). Replicas starting together on one volume switch it at the same
    moment; each holds a shared lock and needs an exclusive one, so SQLite fails one at once with "database is
    locked" rather than wait (it would deadlock), and that replica exited: retry until `timeout`. Seen in one of
    three runs of the replica rate-limit test before, none in eight after."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with closing(sqlite3.connect(path, timeout=timeout)) as db:
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
