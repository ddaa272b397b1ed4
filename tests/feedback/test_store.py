from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from pydantic import SecretStr

from copilot.errors import BackendUnavailable, ConfigurationInvalid
from copilot.feedback.models import FeedbackEvent
from copilot.feedback.schema import LATEST
from copilot.feedback.sqlite import SqliteFeedbackStore
from copilot.feedback.store import open_feedback
from tests.conftest import make_settings


def test_events_are_durable_and_summarised_per_scenario(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    SqliteFeedbackStore(path).add([FeedbackEvent(action="shown", scenario_id="slow-pickup", kind="approved", rank=0),
                             FeedbackEvent(action="shown", scenario_id="slow-pickup", kind="approved", rank=1),
                             FeedbackEvent(action="copied", scenario_id="slow-pickup", kind="approved", rank=0),
                             FeedbackEvent(action="shown", scenario_id="dialect"),
                             FeedbackEvent(action="replaced", kind="alternative", rule_id="shirking/0")], "desk-1")
    stats = SqliteFeedbackStore(path).stats()  # a new store on the same file: what a restart sees
    assert stats.total == 5 and stats.by_action == {"shown": 3, "copied": 1, "replaced": 1}
    assert [s.scenario_id for s in stats.scenarios] == ["slow-pickup", "dialect"]
    assert stats.scenarios[0].use_rate == 0.5 and stats.scenarios[1].use_rate == 0.0
    assert stats.rules_replaced == {"shirking/0": 1}


# The schema SQLite files had before versions were recorded.
UNVERSIONED = """
CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, principal TEXT NOT NULL,
    action TEXT NOT NULL, scenario_id TEXT, kind TEXT, rule_id TEXT, rank INTEGER, session_id TEXT);
CREATE INDEX feedback_scenario ON feedback (scenario_id, action);
CREATE TABLE false_alarm (feedback_id INTEGER PRIMARY KEY REFERENCES feedback (id), draft TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, category TEXT, channel TEXT);
INSERT INTO feedback (at, principal, action, scenario_id) VALUES (1.5, 'desk-1', 'shown', 'slow-pickup');
"""


def test_a_file_from_before_schema_versions_is_adopted_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(UNVERSIONED)
    store = SqliteFeedbackStore(path)
    assert store.schema_version() == LATEST == 2
    store.add([FeedbackEvent(action="copied", scenario_id="slow-pickup")], "desk-1")
    assert store.stats().scenarios[0].use_rate == 1.0  # the old row is still there
    with closing(sqlite3.connect(path)) as db:
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "feedback_stats" in indexes and "feedback_scenario" not in indexes


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    SqliteFeedbackStore(path).schema_version()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(ConfigurationInvalid, match="version 99"):
        SqliteFeedbackStore(path).stats()


@pytest.mark.parametrize(("url", "backend"), [
    ("", "SqliteFeedbackStore"),
    ("sqlite:///{tmp}/elsewhere.sqlite3", "SqliteFeedbackStore"),
    ("postgresql://copilot@127.0.0.1:1/db", "PostgresFeedbackStore"),
    ("postgres://copilot@127.0.0.1:1/db", "PostgresFeedbackStore"),
    ("postgresql+psycopg://copilot@127.0.0.1:1/db", "PostgresFeedbackStore"),
])
def test_the_database_url_picks_the_backend(tmp_path: Path, url: str, backend: str) -> None:
    settings = make_settings(tmp_path)
    settings.feedback.database_url = SecretStr(url.format(tmp=tmp_path)) if url else None
    store = open_feedback(settings)  # connects on first use only
    assert type(store).__name__ == backend
    if backend == "SqliteFeedbackStore":
        assert store.path == (tmp_path / ("elsewhere.sqlite3" if url else "feedback.sqlite3"))  # type: ignore[attr-defined]


def test_an_unknown_database_lists_the_ones_there_are(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings.feedback.database_url = SecretStr("mysql://db/feedback")
    with pytest.raises(BackendUnavailable, match="valid modes: postgresql, sqlite"):
        open_feedback(settings)


def test_switching_to_wal_retries_while_another_replica_holds_the_file(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Two replicas switching one new file to WAL at once: SQLite fails one at once ("database is locked")."""
    import copilot.feedback.sqlite as module

    real_connect, calls = sqlite3.connect, []

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        calls.append(1)
        if len(calls) <= 2:
            raise sqlite3.OperationalError("database is locked")
        return real_connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module.sqlite3, "connect", connect)
    module._write_ahead_log(tmp_path / "feedback.sqlite3")
    assert len(calls) == 3
    monkeypatch.setattr(module.sqlite3, "connect", lambda *a, **k: (_ for _ in ()).throw(
        sqlite3.OperationalError("disk I/O error")))
    with pytest.raises(sqlite3.OperationalError, match="disk"):
        module._write_ahead_log(tmp_path / "other.sqlite3")
