"""The deployment files cannot be run here (no Docker); at least they must say what the README says."""

from __future__ import annotations

import yaml

from copilot.settings import REPO_ROOT


def test_compose_shares_one_chroma_server_between_api_replicas() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    api = compose["services"]["api"]
    assert api["environment"]["COPILOT_VECTOR_STORE__MODE"] == "http"
    assert api["environment"]["COPILOT_VECTOR_STORE__URL"].startswith("http://chroma:")
    assert api["environment"]["COPILOT_ENVIRONMENT"] == "production"
    assert "llm" in compose["services"] and compose["services"]["llm"]["profiles"] == ["llm"]


def test_the_image_installs_with_the_script_ci_runs_and_checks_readiness() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "RUN scripts/install.sh" in dockerfile and "USER copilot" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/readyz" in dockerfile
