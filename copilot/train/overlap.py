"""Near duplicates between a training corpus and eval suites: the guard that keeps eval numbers honest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from copilot.text.similarity import bigrams


def near_duplicates(corpus: Iterable[str], suites: Iterable[str],
                    threshold: float = 0.8) -> list[tuple[str, str, float]]:
    """(corpus text, suite text, Dice similarity of their normalised character bigrams) at or over `threshold`.

    An inverted index on bigrams keeps this to the pairs that share any bigram at all."""
    corpus_grams = [(text, bigrams(text)) for text in dict.fromkeys(corpus)]
    index: dict[str, list[int]] = defaultdict(list)
    for i, (_, grams) in enumerate(corpus_grams):
        for gram in grams:
            index[gram].append(i)
    found = []
    for text in dict.fromkeys(suites):
        grams = bigrams(text)
        shared: dict[int, int] = defaultdict(int)
        for gram in grams:
            for i in index.get(gram, ()):
                shared[i] += 1
        for i, count in shared.items():
            score = 2 * count / (len(grams) + len(corpus_grams[i][1]))
            if score >= threshold:
                found.append((corpus_grams[i][0], text, round(score, 3)))
    return found
