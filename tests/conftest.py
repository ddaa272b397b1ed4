"""Shared fixtures. Unit tests use the fake embedder and in-memory Chroma; integration tests the real ones."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient

from copilot.api import create_app
from copilot.check.rules import load_rules
from copilot.check.service import CheckService
from copilot.knowledge import Knowledge, load_knowledge
from copilot.qa.service import QAService
from copilot.runtime import Copilot
from copilot.settings import REPO_ROOT, PathSettings, Settings

SUITES = REPO_ROOT / "eval" / "suites"
T = TypeVar("T")


def make_settings(tmp: Path, *, embedding: str = "fake", store: str = "memory", **overrides: object) -> Settings:
    settings = Settings()
    settings.paths.data_dir = tmp
    settings.embedding.mode = embedding  # type: ignore[assignment]
    settings.vector_store.mode = store  # type: ignore[assignment]
    # each test build gets its own collection, so in-memory Chroma state never leaks between tests
    settings.vector_store.collection_prefix = f"t{abs(hash(tmp)) % 10**8}"
    settings.llm.probe_on_start = False  # a timing call would take a scripted model's first reply
    for key, value in overrides.items():
        section, field = key.split("__")
        setattr(getattr(settings, section), field, value)
    return settings


@pytest.fixture
def fake_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Environment for CLI tests: the commands build their own settings from it."""
    monkeypatch.setenv("COPILOT_EMBEDDING__MODE", "fake")
    monkeypatch.setenv("COPILOT_VECTOR_STORE__MODE", "memory")
    monkeypatch.setenv("COPILOT_PATHS__DATA_DIR", str(tmp_path))


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(PathSettings())


@pytest.fixture(scope="session")
def fake_copilot(tmp_path_factory: pytest.TempPathFactory) -> Copilot:
    return Copilot.build(make_settings(tmp_path_factory.mktemp("fake")))


@pytest.fixture(scope="session")
def real_copilot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Copilot]:
    """m3e-small as served (ONNX Runtime), embedded persistent Chroma on disk."""
    settings = make_settings(tmp_path_factory.mktemp("real"), embedding="onnx", store="persistent")
    yield Copilot.build(settings)


@pytest.fixture(scope="session")
def qa_service(knowledge: Knowledge) -> QAService:
    """The shipped scorecards over a checker without the semantic detector: exact findings only, so unit tests
    do not depend on an embedding model."""
    settings = Settings().check.model_copy(update={"detectors": ["lexicon", "pattern", "style"]})
    rules = load_rules(knowledge, PathSettings().checker_path)
    return QAService.build(knowledge, PathSettings().scorecards_dir, CheckService(rules, None, settings))


@contextmanager
def ready_client(settings: Settings, timeout: float = 120) -> Iterator[TestClient]:
    """The app over a test client, once its copilot has loaded (failing with the reason if it did not)."""
    app = create_app(settings)
    with TestClient(app) as test_client:
        app.state.holder.wait(timeout)
        assert app.state.holder.status == "ready", app.state.holder.error
        yield test_client


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server on loopback for the whole run (tests use their own key prefixes)."""
    from tests.servers import redis_server

    with redis_server() as server:
        yield server.url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    from tests.servers import postgres_server

    with postgres_server() as url:
        yield url


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a thread of its own: after the browser tests, Playwright's loop is running on this one."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()
