"""What a user would otherwise do, measured in the same run.

(a) The lexicon stage against one Python `re` alternation of every forbidden phrase, after naive `str`
    normalisation (lower case, spaces removed). The regex does not fold 繁體, full-width forms or repeats,
    so it also finds less; its match count is reported beside ours.
(b) Our suggest against plain dense search in Chroma over the raw passages (the whole transcript embedded,
    top 3 passages returned), on hit@3 of the suggest suites as well as time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from copilot.bench.stages import timed
from copilot.bench.stats import Percentiles, percentiles
from copilot.evaluation.suggest_metrics import first_hit
from copilot.evaluation.suite import SuggestCase
from copilot.runtime import Copilot
from copilot.suggest.models import SuggestRequest
from copilot.suggest.transcript import Turn, parse_transcript
from copilot.text.normalize import normalize, to_simplified


class LexiconBaseline(BaseModel):
    """The lexicon stage matches over text the normalisation stage (shared by every detector) produced;
    the regex matches over naively normalised text. Both are also reported with their normalisation."""

    chars: int
    phrases: int
    automaton_keys: int
    ours_chars_per_s: float  # Aho-Corasick over normalised text: the lexicon stage
    ours_with_normalisation_chars_per_s: float  # full normalisation + Aho-Corasick
    ours_matches: int
    regex_chars_per_s: float  # re alternation over naively normalised text
    regex_with_normalisation_chars_per_s: float  # lower() and space removal + re alternation
    regex_matches: int
    speedup: float  # lexicon stage / regex
    speedup_with_normalisation: float


class SuggestBaseline(BaseModel):
    cases: int
    ours_hit_at_3: float
    ours_latency: Percentiles
    dense_hit_at_3: float
    dense_latency: Percentiles
    latency_ratio: float  # ours p50 / dense p50
    hit_gain: float  # ours hit@3 - dense hit@3


def naive_normalise(text: str) -> str:
    return text.lower().replace(" ", "").replace("\u3000", "")


def lexicon_vs_regex(copilot: Copilot, texts: Sequence[str], target_chars: int) -> LexiconBaseline:
    joined = "\n".join(texts)
    corpus = joined * max(1, target_chars // max(1, len(joined)))
    lexicon = copilot.check.lexicon
    phrases = sorted({naive_normalise(r.text) for r in copilot.check.rules.forbidden} - {""}, key=len, reverse=True)
    alternation = re.compile("|".join(map(re.escape, phrases)))
    norm, normalise_ms = timed(normalize, corpus, collapse_repeats=True)
    ours, match_ms = timed(lexicon.matches, norm.text)
    naive, naive_ms = timed(naive_normalise, corpus)
    regex_matches, regex_ms = timed(alternation.findall, naive)
    ours_rate, regex_rate = len(corpus) / (match_ms / 1000), len(corpus) / (regex_ms / 1000)
    ours_full = len(corpus) / ((normalise_ms + match_ms) / 1000)
    regex_full = len(corpus) / ((naive_ms + regex_ms) / 1000)
    return LexiconBaseline(
        chars=len(corpus), phrases=len(phrases), automaton_keys=lexicon.key_count,
        ours_chars_per_s=round(ours_rate), ours_with_normalisation_chars_per_s=round(ours_full),
        ours_matches=len(ours), regex_chars_per_s=round(regex_rate),
        regex_with_normalisation_chars_per_s=round(regex_full), regex_matches=len(regex_matches),
        speedup=round(ours_rate / regex_rate, 2), speedup_with_normalisation=round(ours_full / regex_full, 2),
    )


def suggest_vs_dense(copilot: Copilot, cases: Sequence[SuggestCase]) -> SuggestBaseline:
    ours_hits, ours_ms, dense_hits, dense_ms = 0, [], 0, []
    for case in cases:
        response, ms = timed(copilot.suggest.suggest, SuggestRequest(transcript=case.transcript, top_k=3,
                                                                   channel=case.channel))
        ours_ms.append(ms)
        ours_hits += (first_hit([s.text for s in response.suggestions], case.expect_any) or 99) <= 3
        texts, ms = timed(plain_dense, copilot, case.transcript)
        dense_ms.append(ms)
        dense_hits += (first_hit(texts, case.expect_any) or 99) <= 3
    ours, dense = percentiles(ours_ms), percentiles(dense_ms)
    count = max(1, len(cases))
    return SuggestBaseline(
        cases=len(cases), ours_hit_at_3=round(ours_hits / count, 4), ours_latency=ours,
        dense_hit_at_3=round(dense_hits / count, 4), dense_latency=dense,
        latency_ratio=round(ours.p50_ms / dense.p50_ms, 2) if dense.p50_ms else 0.0,
        hit_gain=round((ours_hits - dense_hits) / count, 4),
    )


def plain_dense(copilot: Copilot, transcript: str | list[Turn]) -> list[str]:
    """The whole transcript as one query, nearest three passages as they are."""
    text = " ".join(t.text for t in parse_transcript(transcript))
    vector = copilot.embedder.embed_query(to_simplified(text))
    result = copilot.collection.query(query_embeddings=[vector.tolist()], n_results=3, where={"kind": "passage"},
                                      include=["documents"])
    return [str(d) for d in result["documents"][0]]
