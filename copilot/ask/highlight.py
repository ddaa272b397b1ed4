"""Find the sentence of a passage that answers a question.

Passages are short (a heading and a rule, ~70 characters) but some run to a paragraph of several rules; the
answer is the one sentence or clause that matches the question best. A sentence is scored by its embedding's
cosine to the question plus the share of the question's character bigrams it contains: the model catches
paraphrase, the bigrams catch the exact terms agents use ("换班", "铅笔") that a small model blurs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from copilot.text.normalize import match_key

# Sentence ends, including the clause separators the standards use between rules in one paragraph.
SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
MIN_SENTENCE_CHARS = 4
# A closing quote or comma left over from the sentence before is not part of this one.
LEADING_DEBRIS = " \t”’」』)）,，、:：√×"
LEXICAL_WEIGHT = 0.5


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into `text`; fragments too short to answer anything are skipped."""
    out = []
    for match in SENTENCE.finditer(text):
        raw = match.group()
        stripped = raw.lstrip(LEADING_DEBRIS).rstrip()
        if len(match_key(stripped)) < MIN_SENTENCE_CHARS:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip(LEADING_DEBRIS)))
        out.append(Sentence(start, start + len(stripped), stripped))
    if not out and text.strip():
        stripped = text.strip()
        start = text.index(stripped)
        out.append(Sentence(start, start + len(stripped), stripped))
    return out


def bigrams(text: str) -> set[str]:
    key = match_key(text)
    return {key[i : i + 2] for i in range(len(key) - 1)}


def bigram_recall(question: str, sentence: str) -> float:
    """Share of the question's bigrams found in the sentence."""
    return share(bigrams(question), bigrams(sentence))


def share(wanted: set[str], found: set[str]) -> float:
    """`bigram_recall` on bigrams already taken (a question is scored against many sentences)."""
    return len(wanted & found) / len(wanted) if wanted else 0.0


def combined(cosine: float, recall: float) -> float:
    return cosine + LEXICAL_WEIGHT * recall


class BigramWeights:
    """How telling each bigram is in the standards (inverse document frequency over their sentences).

    Whether the standards answer a question at all is judged on the words it shares with them weighted this way:
    the bigrams every question has ("怎么", "什么", "客户", "多少") say little; a question sharing only those with
    a sentence is not about it."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for text in texts:
            counts.update(bigrams(text))
            total += 1
        self._idf = {b: math.log((total + 1) / (n + 1)) for b, n in counts.items()}
        self._unseen = math.log(total + 1)

    def weight(self, bigram: str) -> float:
        return self._idf.get(bigram, self._unseen)

    def recall(self, question: str, sentence: str) -> float:
        """Weighted share of the question's bigrams found in the sentence."""
        return self.share(bigrams(question), bigrams(sentence))

    def share(self, wanted: set[str], found: set[str]) -> float:
        total = sum(self.weight(b) for b in wanted)
        return sum(self.weight(b) for b in wanted & found) / total if total else 0.0
