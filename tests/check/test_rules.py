from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from copilot.check.rules import load_rules
from copilot.errors import KnowledgeInvalid
from copilot.knowledge import Knowledge
from copilot.settings import PathSettings


def test_reasons_are_knowledge_and_every_category_has_one(knowledge: Knowledge, tmp_path: Path) -> None:
    data = yaml.safe_load(PathSettings().checker_path.read_text(encoding="utf-8"))
    rules = load_rules(knowledge, PathSettings().checker_path)
    assert rules.reason("shirking") == data["reasons"]["shirking"]
    assert {r.reason for r in rules.forbidden if r.category == "blaming"} == {data["reasons"]["blaming"]}
    del data["reasons"]["vague"]
    broken = tmp_path / "checker.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeInvalid, match="no reason for vague"):
        load_rules(knowledge, broken)
