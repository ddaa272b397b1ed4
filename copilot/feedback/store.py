"""Feedback in SQLite in the data directory: durable across restarts, one file, no server.

A connection per call: sqlite3 connections must not be shared across the threads FastAPI runs handlers on,
and opening one costs microseconds. WAL lets QA read the stats while agents write.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter, defaultdict
from contextlib import closing
from pathlib import Path

from copilot.feedback.models import ACTIONS, FalseAlarm, FeedbackEvent, FeedbackStats, ScenarioFeedback
from copilot.privacy.redact import mask

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    principal TEXT NOT NULL,
    action TEXT NOT NULL,
    scenario_id TEXT,
    kind TEXT,
    rule_id TEXT,
    rank INTEGER,
    session_id TEXT
);
CREATE INDEX IF NOT EXISTS feedback_scenario ON feedback (scenario_id, action);
CREATE TABLE IF NOT EXISTS false_alarm (
    feedback_id INTEGER PRIMARY KEY REFERENCES feedback (id),
    draft TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    category TEXT,
    channel TEXT
);
"""


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, events: list[FeedbackEvent], principal: str) -> int:
        now = time.time()
        with closing(self._connect()) as db, db:
            for e in events:
                row = db.execute("INSERT INTO feedback (at, principal, action, scenario_id, kind, rule_id, rank, "
                                 "session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 (now, principal, e.action, e.scenario_id, e.kind, e.rule_id, e.rank, e.session_id))
                if e.action == "false_alarm" and e.draft is not None:
                    db.execute('INSERT INTO false_alarm (feedback_id, draft, start, "end", category, channel) '
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               (row.lastrowid, mask(e.draft), e.start, e.end, e.category, e.channel))
        return len(events)

    def false_alarms(self) -> list[FalseAlarm]:
        """Every false alarm reported, oldest first."""
        with closing(self._connect()) as db:
            rows = db.execute('SELECT f.at, a.draft, a.start, a."end", a.category, f.rule_id, a.channel '
                              "FROM false_alarm a JOIN feedback f ON f.id = a.feedback_id ORDER BY f.id").fetchall()
        return [FalseAlarm(at=r[0], draft=r[1], start=r[2], end=r[3], category=r[4], rule_id=r[5], channel=r[6])
                for r in rows]

    def stats(self) -> FeedbackStats:
        with closing(self._connect()) as db:
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
