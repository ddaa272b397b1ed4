"""The timed model call at start-up: judged against the settings, shown in /readyz and logged."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from copilot.llm.probe import judge
from copilot.settings import LLMSettings
from tests.compose.llm_server import Act, scripted_llm
from tests.conftest import make_settings


def test_a_fast_model_fits_the_deadline() -> None:
    assert judge(1.0, LLMSettings(timeout_s=8, deadline_s=15)).warnings == []


def test_a_model_slower_than_half_the_deadline_leaves_no_room_for_the_retry() -> None:
    (warning,) = judge(9.0, LLMSettings(timeout_s=10, deadline_s=15)).warnings
    assert "retry" in warning and "19" in warning  # what to raise it to


def test_a_model_slower_than_the_deadline_and_the_timeout_always_falls_back() -> None:
    warnings = judge(20.0, LLMSettings(timeout_s=8, deadline_s=15)).warnings
    assert len(warnings) == 2 and any("every composition will fall back" in w for w in warnings)


def test_a_failed_call_is_a_warning() -> None:
    assert judge(None, LLMSettings()).warnings


def test_readyz_shows_the_probe_and_the_log_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="copilot")
    with scripted_llm(Act(reply="您好，请您稍等。", delay_s=0.6)) as llm:
        settings = make_settings(tmp_path, llm__mode="openai", llm__base_url=llm.base_url, llm__model="scripted",
                                 llm__max_retries=0, llm__timeout_s=3.3, llm__deadline_s=1.0,
                                 llm__probe_on_start=True)
        with TestClient(create_app(settings)) as client:
            deadline = time.monotonic() + 60
            while "llm_probe" not in (body := client.get("/readyz").json()) and time.monotonic() < deadline:
                time.sleep(0.1)
        assert len(llm.requests) == 1  # one call, with the compose prompt
    probe = body["llm_probe"]
    assert probe["seconds"] >= 0.6 and probe["deadline_s"] == 1.0
    assert any("retry" in w for w in probe["warnings"])
    assert any("llm:" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
