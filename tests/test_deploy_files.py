"""The deployment files cannot be run here (no Docker); at least they must say what the README says and what the
settings read."""

from __future__ import annotations

import re

import yaml

from copilot.settings import REPO_ROOT, Settings


def _compose() -> dict[str, dict[str, dict[str, object]]]:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _env(service: str) -> dict[str, str]:
    return _compose()["services"][service]["environment"]  # type: ignore[return-value]


def test_compose_shares_one_chroma_server_between_api_replicas() -> None:
    compose = _compose()
    api = _env("api")
    assert api["COPILOT_VECTOR_STORE__MODE"] == "http"
    assert api["COPILOT_VECTOR_STORE__URL"].startswith("http://chroma:")
    assert api["COPILOT_ENVIRONMENT"] == "production"
    assert "llm" in compose["services"] and compose["services"]["llm"]["profiles"] == ["llm"]


def test_compose_shares_redis_and_postgresql_between_replicas_that_scale() -> None:
    services = _compose()["services"]
    api = _env("api")
    assert api["COPILOT_STATE__REDIS_URL"].startswith("redis://redis:6379")
    assert api["COPILOT_FEEDBACK__DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in \
        api["COPILOT_FEEDBACK__DATABASE_URL"]
    assert "ports" not in services["api"], "a fixed host port would stop `--scale api=3`"
    assert set(services["api"]["depends_on"]) == {"chroma", "redis", "postgres"}  # type: ignore[arg-type]
    assert str(services["redis"]["image"]).startswith("redis:") and str(services["postgres"]["image"]).startswith(
        "postgres:")
    grace = int(str(services["api"]["stop_grace_period"]).removesuffix("s"))
    assert grace > float(api["COPILOT_SERVER__DRAIN_S"]), "docker would kill a replica still draining"


def test_every_copilot_variable_in_compose_is_a_setting() -> None:
    settings = Settings()
    for name in _env("api"):
        path = name.removeprefix("COPILOT_").lower().split("__")
        node: object = settings
        for part in path:
            assert hasattr(node, part), f"{name} is not a setting"
            node = getattr(node, part)


def test_the_proxy_balances_http_and_websockets_over_the_replicas() -> None:
    services = _compose()["services"]
    proxy = services["proxy"]
    assert str(proxy["image"]).startswith("nginx:") and proxy["ports"] == ["8000:8000"]
    mounted = [str(v).split(":")[0] for v in proxy["volumes"]]  # type: ignore[attr-defined]
    conf = (REPO_ROOT / mounted[0]).read_text(encoding="utf-8")
    assert re.search(r"upstream copilot_api \{[^}]*server api:8000 resolve;", conf)
    live = conf[conf.index("location /v1/sessions/"):]
    assert "proxy_set_header Upgrade $http_upgrade;" in live and "$connection_upgrade" in live
    assert "proxy_buffering off;" in conf  # the streams


def test_the_image_installs_with_the_script_ci_runs_and_checks_readiness() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "RUN scripts/install.sh" in dockerfile and "USER copilot" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/readyz" in dockerfile


def test_ci_installs_the_servers_the_replica_tests_start() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "redis-server" in ci and "postgresql" in ci
