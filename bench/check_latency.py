"""Draft-check latency (p50/p99, one client, distinct drafts) and lexicon-stage throughput.

Usage: .venv/bin/python bench/check_latency.py [--drafts N]
Prints numbers; asserts nothing. Targets from the issue: p50 <= 15 ms, p99 <= 40 ms, lexicon >= 5M chars/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from copilot.check.models import CheckRequest
from copilot.runtime import Copilot
from copilot.settings import Settings
from copilot.text.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent


def drafts(copilot: Copilot, count: int) -> list[str]:
    """Distinct drafts: the check suites, every approved phrasing, and pairs of them as longer replies."""
    base = [json.loads(line)["draft"] for name in ("check.jsonl", "check-heldout.jsonl")
            for line in (ROOT / "eval/suites" / name).read_text(encoding="utf-8").splitlines()]
    base += [p.text for s in copilot.knowledge.rulebook.scenarios for p in s.approved]
    pairs = [f"{a}{b}" for a, b in zip(base, reversed(base), strict=False)]
    return list(dict.fromkeys(base + pairs))[:count]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=300)
    args = parser.parse_args()
    settings = Settings()
    settings.vector_store.mode = "memory"
    settings.paths.data_dir = Path(tempfile.mkdtemp())
    copilot = Copilot.build(settings)
    texts = drafts(copilot, args.drafts)
    for text in texts[:20]:  # warm up torch and the code paths, then measure cold clauses only
        copilot.check.check(CheckRequest(draft=text))
    semantic = dict(copilot.check.detectors).get("semantic")
    cold, warm = [], []
    for text in texts:
        if semantic is not None:
            semantic._cache.clear()  # type: ignore[attr-defined]
        started = time.perf_counter()
        copilot.check.check(CheckRequest(draft=text))
        cold.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        copilot.check.check(CheckRequest(draft=text))  # the same draft again: clauses now cached
        warm.append((time.perf_counter() - started) * 1000)
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"check, in-process, {len(texts)} distinct drafts (mean {chars:.0f} chars), one client:")
    print(f"  uncached clauses: p50 {statistics.median(cold):.1f} ms, p99 {percentile(cold, 0.99):.1f} ms")
    print(f"  re-check (cached clauses): p50 {statistics.median(warm):.2f} ms, p99 {percentile(warm, 0.99):.2f} ms")
    corpus = "".join(texts) * max(1, 2_000_000 // sum(len(t) for t in texts))
    started = time.perf_counter()
    norm = normalize(corpus, collapse_repeats=True)
    normalise_s = time.perf_counter() - started
    started = time.perf_counter()
    matches = copilot.check.lexicon.matches(norm.text)
    match_s = time.perf_counter() - started
    print(f"lexicon stage over {len(corpus) / 1e6:.1f}M chars ({copilot.check.lexicon.key_count} keys, "
          f"{len(matches)} matches):")
    print(f"  Aho-Corasick on normalised text: {len(norm.text) / match_s / 1e6:.1f}M chars/s")
    print(f"  normalise + Aho-Corasick:        {len(corpus) / (normalise_s + match_s) / 1e6:.1f}M chars/s")


if __name__ == "__main__":
    main()
