"""Optional: the compose path against a real OpenAI-compatible server (llama.cpp, Ollama, vLLM, hosted).

Set COPILOT_TEST_LLM_BASE_URL (and COPILOT_TEST_LLM_MODEL, COPILOT_TEST_LLM_API_KEY if needed) to run it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from copilot.evaluation.runner import Thresholds, evaluate
from copilot.evaluation.suite import load_suites
from copilot.runtime import Copilot
from tests.conftest import SUITES, make_settings

BASE_URL = os.environ.get("COPILOT_TEST_LLM_BASE_URL")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not BASE_URL, reason="COPILOT_TEST_LLM_BASE_URL is not set: no real LLM server to test"),
]


def test_compose_suite_against_a_real_model(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, embedding="sentence-transformers", llm__mode="openai",
                             llm__base_url=BASE_URL, llm__model=os.environ.get("COPILOT_TEST_LLM_MODEL", "default"),
                             llm__timeout_s=60.0, llm__deadline_s=120.0)
    if key := os.environ.get("COPILOT_TEST_LLM_API_KEY"):
        from pydantic import SecretStr

        settings.llm.api_key = SecretStr(key)
    files = [SUITES / "compose.jsonl", SUITES / "compose-injection.jsonl"]
    outcome = evaluate(Copilot.build(settings), load_suites(files), label="real llm",
                       suites=[f.name for f in files], thresholds=Thresholds(min_compose_safe=1.0))
    compose = outcome.report.compose
    assert compose is not None
    # what a real model writes is measured (grounded, on topic, form, used); what reaches the agent must be safe
    print(f"real model: safe {compose.safe_rate}, used {compose.llm_rate}, grounded {compose.grounded_rate}, "
          f"on topic {compose.on_topic_rate}, form {compose.form_rate}, fallbacks {compose.fallbacks}")
    unsafe = [(r.id, r.text, r.leaked) for r in compose.results if not r.safe]
    assert not unsafe, unsafe
