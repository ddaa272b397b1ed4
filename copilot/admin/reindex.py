"""Build a knowledge version into its own collection and prove it answers before anything switches to it."""

from __future__ import annotations

import logging

from copilot.admin.versions import VersionStore
from copilot.check.models import CheckRequest
from copilot.embedding.base import Embedder
from copilot.errors import CopilotError, ReindexFailed
from copilot.index.store import ChromaClient, ChromaCollection, collection_name, create_client
from copilot.runtime import Copilot, Progress
from copilot.settings import Settings
from copilot.suggest.models import SuggestRequest

log = logging.getLogger("copilot.admin")


def version_settings(settings: Settings, store: VersionStore, version: str) -> Settings:
    """The settings a version is served with: its own knowledge folder and its own collection."""
    variant = settings.model_copy(deep=True)
    variant.paths.knowledge_dir = store.materialize(version, settings.paths.data_dir / "versions")
    variant.vector_store.collection_prefix = f"{settings.vector_store.collection_prefix}-{version}"
    return variant


def open_active(settings: Settings, progress: Progress | None = None, *,
                smoke: bool = False) -> tuple[Copilot, VersionStore, ChromaClient, str]:
    """The copilot of the active knowledge version (seeded from the shipped folder on first use)."""
    client = create_client(settings)
    store = VersionStore(client, settings.vector_store.collection_prefix)
    version = store.ensure_seeded(settings.paths.knowledge_dir)
    if smoke:
        return build_version(settings, client, store, version, progress=progress), store, client, version
    return Copilot.build(version_settings(settings, store, version), progress, client=client), store, client, version


def build_version(settings: Settings, client: ChromaClient, store: VersionStore, version: str, *,
                  embedder: Embedder | None = None, seed: ChromaCollection | None = None,
                  progress: Progress | None = None) -> Copilot:
    """Load, index and smoke-test `version`. Raises ReindexFailed saying what failed; switches nothing."""
    try:
        copilot = Copilot.build(version_settings(settings, store, version), progress, client=client,
                                embedder=embedder, seed=seed)
    except CopilotError as exc:
        raise ReindexFailed(f"version {version} does not load: {exc.message}",
                            {"version": version, "stage": "load", **exc.details}) from exc
    problems = smoke_problems(copilot)
    if problems:
        raise ReindexFailed(f"version {version} failed its smoke queries",
                            {"version": version, "stage": "smoke", "problems": problems})
    return copilot


def smoke_problems(copilot: Copilot) -> list[str]:
    """A few real queries: customer examples find phrasings, a forbidden phrasing is caught, an approved
    one is not."""
    scenarios = copilot.knowledge.rulebook.scenarios
    picks = {scenarios[0].id: scenarios[0], scenarios[len(scenarios) // 2].id: scenarios[len(scenarios) // 2],
             scenarios[-1].id: scenarios[-1]}
    problems = []
    for scenario in picks.values():
        answer = copilot.suggest.suggest(SuggestRequest(transcript=scenario.examples[0]))
        if not any(s.kind == "approved" for s in answer.suggestions):
            problems.append(f"suggest found no phrasing for an example of {scenario.id}")
    forbidden = next((s.forbidden[0].text for s in scenarios if s.forbidden), None)
    if forbidden and not copilot.check.check(CheckRequest(draft=forbidden)).flagged:
        problems.append(f"the checker let a forbidden phrasing through: {forbidden}")
    approved = scenarios[0].approved[0].text
    if copilot.check.check(CheckRequest(draft=approved)).flagged:
        problems.append(f"the checker blocked an approved phrasing: {approved}")
    return problems


def drop_collection(client: ChromaClient, settings: Settings, version: str, embedder_name: str) -> None:
    name = collection_name(f"{settings.vector_store.collection_prefix}-{version}", embedder_name)
    try:
        client.delete_collection(name)
    except Exception:  # already gone: nothing to drop
        log.debug("collection %s not found", name)
