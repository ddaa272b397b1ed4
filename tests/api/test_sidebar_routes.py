"""The sidebar's page and the routes only it uses: feedback and reports (fake embedder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from copilot.settings import Settings
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("sidebar"))


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as test_client:
        app.state.holder.wait(120)
        yield test_client


def test_the_page_and_its_files_come_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "坐席助手" in page.text and 'rel="icon" href="data:' in page.text
    assert "https://" not in page.text  # no CDN
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200
    assert client.get("/readyz").json()["llm"] == "none"


def test_feedback_is_stored_and_summarised(client: TestClient) -> None:
    events = [{"action": "shown", "scenario_id": "dialect", "kind": "approved", "rank": 0},
              {"action": "inserted", "scenario_id": "dialect", "kind": "approved", "rank": 0}]
    assert client.post("/v1/feedback", json={"events": events}).json() == {"stored": 2}
    stats = client.get("/v1/feedback/stats").json()
    assert stats["scenarios"][0] == {"scenario_id": "dialect", "counts": {"shown": 1, "inserted": 1}, "use_rate": 1.0}
    assert client.post("/v1/feedback", json={"events": [{"action": "liked"}]}).status_code == 422


def test_reports_are_listed_and_served_without_leaving_their_folder(client: TestClient, settings: Settings,
                                                                    tmp_path: Path) -> None:
    folder = settings.paths.reports_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eval.html").write_text("<h1>报告</h1>", encoding="utf-8")
    (settings.paths.data_dir / "secret.html").write_text("no", encoding="utf-8")
    assert [r["name"] for r in client.get("/v1/reports").json()] == ["eval.html"]
    report = client.get("/v1/reports/eval.html")
    assert report.text == "<h1>报告</h1>" and report.headers["content-security-policy"] == "sandbox"
    assert client.get("/v1/reports/..%2Fsecret.html").status_code == 404
    assert client.get("/v1/reports/missing.html").json()["error"]["code"] == "not_found"
