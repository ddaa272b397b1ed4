from __future__ import annotations

from pathlib import Path

from copilot.feedback.models import FeedbackEvent
from copilot.feedback.store import FeedbackStore


def test_events_are_durable_and_summarised_per_scenario(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path).add([FeedbackEvent(action="shown", scenario_id="slow-pickup", kind="approved", rank=0),
                             FeedbackEvent(action="shown", scenario_id="slow-pickup", kind="approved", rank=1),
                             FeedbackEvent(action="copied", scenario_id="slow-pickup", kind="approved", rank=0),
                             FeedbackEvent(action="shown", scenario_id="dialect"),
                             FeedbackEvent(action="replaced", kind="alternative", rule_id="shirking/0")], "desk-1")
    stats = FeedbackStore(path).stats()  # a new store on the same file: what a restart sees
    assert stats.total == 5 and stats.by_action == {"shown": 3, "copied": 1, "replaced": 1}
    assert [s.scenario_id for s in stats.scenarios] == ["slow-pickup", "dialect"]
    assert stats.scenarios[0].use_rate == 0.5 and stats.scenarios[1].use_rate == 0.0
    assert stats.rules_replaced == {"shirking/0": 1}
