"""In-process timings of each stage of a check and a suggestion, on the eval suites' drafts and transcripts."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from copilot.bench.stats import Percentiles, percentiles
from copilot.check.draft import Draft
from copilot.check.models import CheckRequest
from copilot.check.semantic import SemanticDetector
from copilot.index.documents import SCENARIO_KINDS
from copilot.runtime import Copilot
from copilot.suggest.models import SuggestRequest
from copilot.suggest.transcript import customer_queries, parse_transcript
from copilot.text.normalize import normalize

T = TypeVar("T")


class StageTimings(BaseModel):
    """Per call, in milliseconds. `semantic` and `check` are measured with the clause cache empty."""

    drafts: int
    queries: int
    normalise: Percentiles
    lexicon: Percentiles
    semantic: Percentiles
    check: Percentiles
    check_recheck: Percentiles
    embed_query: Percentiles
    bm25: Percentiles
    dense_scenarios: Percentiles  # the scenario texts' vectors, searched in memory
    dense_passages: Percentiles  # the passages, searched in Chroma (the one query a suggestion makes)
    fusion: Percentiles
    suggest: Percentiles


def timed(action: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    """The result of `action(*args, **kwargs)` and how long it took, in milliseconds."""
    started = time.perf_counter()
    result = action(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def semantic_detector(copilot: Copilot) -> SemanticDetector | None:
    found = dict(copilot.check.detectors).get("semantic")
    return found if isinstance(found, SemanticDetector) else None


def measure_stages(copilot: Copilot, drafts: Sequence[str], transcripts: Sequence[str]) -> StageTimings:
    lexicon = copilot.check.lexicon
    semantic = semantic_detector(copilot)
    times: dict[str, list[float]] = {}

    def add(stage: str, ms: float) -> None:
        times.setdefault(stage, []).append(ms)

    for text in drafts:
        add("normalise", timed(normalize, text, collapse_repeats=True)[1])
        draft = Draft(text, None, None, lexicon.allowed)
        _ = draft.norm, draft.allowed  # computed once per draft and shared by the detectors
        add("lexicon", timed(lexicon.detect, draft)[1])
        if semantic is not None:
            semantic.clear_cache()
            add("semantic", timed(semantic.detect, draft)[1])
            semantic.clear_cache()
        add("check", timed(copilot.check.check, CheckRequest(draft=text))[1])
        add("check_recheck", timed(copilot.check.check, CheckRequest(draft=text))[1])
    retriever = copilot.retriever
    n = copilot.settings.retrieval.candidates
    for transcript in transcripts:
        latest, _ = customer_queries(parse_transcript(transcript))
        vector, ms = timed(retriever.embed, latest)
        add("embed_query", ms)
        bm25, ms = timed(retriever.bm25_ranking, latest, SCENARIO_KINDS, n)
        add("bm25", ms)
        dense, ms = timed(retriever.dense_ranking, vector, SCENARIO_KINDS, n)
        add("dense_scenarios", ms)
        add("dense_passages", timed(retriever.dense_ranking, vector, ("passage",), n)[1])
        weights = copilot.settings.retrieval
        rankings = [(weights.bm25_weight, bm25), (weights.dense_weight, dense)]
        add("fusion", timed(retriever.fuse, rankings, bm25, dense)[1])
        add("suggest", timed(copilot.suggest.suggest, SuggestRequest(transcript=transcript))[1])
    return StageTimings(drafts=len(drafts), queries=len(transcripts),
                        **{stage: percentiles(times.get(stage, [])) for stage in StageTimings.model_fields
                           if stage not in ("drafts", "queries")})
