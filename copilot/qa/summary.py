"""A batch of scored conversations summed up as QA leads read it: scores, channels, weakest items."""

from __future__ import annotations

import statistics
from collections import defaultdict

from copilot.qa.models import BatchSummary, ConversationScore, ItemSummary


def summarise(results: list[ConversationScore], seconds: float, *, worst: int = 10) -> BatchSummary:
    scores = [r.score for r in results]
    histogram = {f"{low}-{low + 10}": 0 for low in range(0, 100, 10)}
    for score in scores:
        low = min(int(score // 10) * 10, 90)
        histogram[f"{low}-{low + 10}"] += 1
    channels: dict[str, list[float]] = defaultdict(list)
    for result in results:
        channels[result.channel].append(result.score)
    applicable: dict[str, int] = defaultdict(int)
    failed: dict[str, int] = defaultdict(int)
    titles: dict[str, str] = {}
    for result in results:
        for item in result.items:
            titles[item.id] = item.title
            if item.status != "n/a":
                applicable[item.id] += 1
                failed[item.id] += item.status == "fail"
    weakest = sorted((ItemSummary(id=i, title=titles[i], applicable=n, failed=failed[i],
                                  fail_rate=round(failed[i] / n, 4)) for i, n in applicable.items()),
                     key=lambda s: (-s.fail_rate, -s.failed, s.id))
    ranked = sorted(results, key=lambda r: (r.score, -r.failed))
    return BatchSummary(
        conversations=len(results), mean_score=statistics.fmean(scores) if scores else 0.0,
        median_score=statistics.median(scores) if scores else 0.0, histogram=histogram,
        fatal=sum(r.fatal for r in results),
        by_channel={k: round(statistics.fmean(v), 1) for k, v in sorted(channels.items())},
        weakest_items=weakest, worst=[r.id for r in ranked[:worst]], seconds=round(seconds, 3),
        per_second=round(len(results) / seconds, 1) if seconds > 0 else 0.0,
    )
