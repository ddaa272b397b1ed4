"""The held-out trial of issue 17: a standard from another industry and its cases (eval/byos/), written by someone
who never saw the extractor, uploaded through the real HTTP app. Skipped while the folder holds no standard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from copilot.evaluation.suite import CheckCase, SuggestCase, load_suites
from copilot.ingest.readers import SUPPORTED_SUFFIXES
from copilot.settings import REPO_ROOT
from copilot.text.normalize import match_key
from tests.conftest import make_settings

FOLDER = REPO_ROOT / "eval" / "byos"
STANDARDS = sorted(p for p in FOLDER.glob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES and p.stem != "README")
pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not STANDARDS, reason=f"no standard in {FOLDER} (see its README.md)")]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = make_settings(tmp_path_factory.mktemp("byos-trial"), embedding="onnx", store="persistent")
    app = create_app(settings)
    with TestClient(app) as test_client:
        app.state.holder.wait(600)
        assert app.state.holder.status == "ready", app.state.holder.error
        yield test_client


def _check(client: TestClient, case: CheckCase) -> dict[str, object]:
    body = {"draft": case.draft, "channel": case.channel, "position": case.position}
    response: dict[str, object] = client.post("/v1/check", json=body).json()
    return response


def _blocking_documents(answer: dict[str, object]) -> set[str]:
    violations = answer["violations"]
    assert isinstance(violations, list)
    return {v["citation"]["document"] for v in violations if v["severity"] == "block"}


def _suggested(client: TestClient, case: SuggestCase) -> list[str]:
    body = {"transcript": case.transcript if isinstance(case.transcript, str)
            else [t.model_dump() for t in case.transcript], "top_k": case.top_k, "channel": case.channel}
    return [s["text"] for s in client.post("/v1/suggest", json=body).json()["suggestions"]]


def _hit(case: SuggestCase, texts: list[str]) -> bool:
    return any(match_key(e) in match_key(t) for t in texts[: case.top_k] for e in case.expect_any)


def _snapshot(client: TestClient, checks: list[CheckCase], suggests: list[SuggestCase]) -> dict[str, object]:
    """What an agent sees: each draft's blocking rules, each transcript's approved phrasings in the top k."""
    out: dict[str, object] = {}
    for case in checks:
        violations = _check(client, case)["violations"]
        assert isinstance(violations, list)
        out[case.id] = sorted(v["rule_id"] for v in violations if v["severity"] == "block")
    for suggest in suggests:
        body = {"transcript": suggest.transcript if isinstance(suggest.transcript, str)
                else [t.model_dump() for t in suggest.transcript], "top_k": suggest.top_k, "channel": suggest.channel}
        answer = client.post("/v1/suggest", json=body).json()
        out[suggest.id] = [s["text"] for s in answer["suggestions"] if s["kind"] == "approved"]
    return out


def test_the_standard_drives_check_and_suggest_once_approved(client: TestClient) -> None:
    assert len(STANDARDS) == 1, f"one standard per trial in {FOLDER}, found {[p.name for p in STANDARDS]}"
    standard = STANDARDS[0]
    doc_id = standard.stem.lower()
    suite = load_suites(sorted(FOLDER.glob("*.jsonl")))
    assert not suite.problems, suite.problems
    checks, suggests = suite.check_cases, suite.suggest_cases
    assert checks or suggests, f"no check or suggest cases in {FOLDER}/*.jsonl"

    before = _snapshot(client, checks, suggests)
    files = {"file": (standard.name, standard.read_bytes(), "application/octet-stream")}
    pending = client.post("/v1/knowledge/documents", files=files)
    assert pending.status_code == 200, pending.text
    print(f"\nuploaded {standard.name}: {pending.json()['extraction']}")
    assert _snapshot(client, checks, suggests) == before, "an upload without approval changed what agents see"

    approved = client.post("/v1/knowledge/documents?approve=all", files=files)
    assert approved.status_code == 200, approved.text
    print(f"approved {approved.json()['approved']} of {approved.json()['proposals']} proposals")

    failures: list[str] = []
    for case in checks:
        answer = _check(client, case)
        documents = _blocking_documents(answer)
        if case.expect_flag and doc_id not in documents:
            failures.append(f"{case.id} not blocked citing {doc_id}: {case.draft} → {sorted(documents) or 'passed'}")
        if not case.expect_flag and answer["flagged"]:
            failures.append(f"{case.id} near-miss blocked: {case.draft} → {sorted(documents)}")
    for suggest in suggests:
        texts = _suggested(client, suggest)
        if not _hit(suggest, texts):
            failures.append(f"{suggest.id} no expected phrasing in the top {suggest.top_k}: {texts[:suggest.top_k]}")
    blocked = sum(c.expect_flag for c in checks)
    print(f"{len(checks)} check cases ({blocked} forbidden, {len(checks) - blocked} near-miss), "
          f"{len(suggests)} suggest cases, {len(failures)} failed")
    for failure in failures:
        print("  ", failure)
    assert not failures, "\n".join(failures)


def test_the_folder_is_documented() -> None:
    assert (Path(FOLDER) / "README.md").is_file()
