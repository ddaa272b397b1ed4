"""The passages (and rulebook scenarios) that answer a question, each with its answering sentence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot.ask.highlight import LEXICAL_WEIGHT, BigramWeights, Sentence, bigrams, combined, sentences, share
from copilot.ask.models import AskCitation, RuleEntry
from copilot.embedding.base import Embedder, Vectors
from copilot.index.documents import SCENARIO_KINDS, IndexDocument
from copilot.retrieve.bm25 import Bm25Index
from copilot.retrieve.retriever import HybridRetriever
from copilot.rulebook.models import Rulebook
from copilot.text.normalize import to_simplified

# A follow-up question is also read together with the question before it, weighing this much.
CONTEXT_WEIGHT = 0.8
# How much the passage's own retrieval rank adds to its sentence's score (fused scores are in [0, 1]).
PASSAGE_WEIGHT = 0.3
SENTENCE_CANDIDATES = 10  # sentences found by their own BM25: a rare term inside a long passage
RULE_SHARE = 0.8  # rulebook scenarios within this share of the best one are shown too
MAX_RULES = 2


@dataclass(frozen=True)
class Found:
    citations: list[AskCitation]
    rules: list[RuleEntry]
    support: float  # how well the standards answer the question at all (see PassageFinder.find)


class PassageFinder:
    def __init__(self, rulebook: Rulebook, retriever: HybridRetriever, embedder: Embedder, candidates: int) -> None:
        self._rulebook = rulebook
        self._retriever = retriever
        self._embedder = embedder
        self._candidates = candidates
        self._sentence_vectors: dict[str, Vectors] = {}  # bounded by the corpus: only passages' sentences
        self._passages = [d for d in retriever.documents if d.kind == "passage"]
        self._sentence_owner: list[int] = []  # sentence position -> passage position
        texts = []
        for position, doc in enumerate(self._passages):
            for sentence in sentences(doc.text):
                texts.append(sentence.text)
                self._sentence_owner.append(position)
        self._sentence_bm25 = Bm25Index(texts)
        self._weights = BigramWeights(texts)

    def find(self, question: str, previous: str | None, top_k: int) -> Found:
        queries = [question] + ([f"{previous} {question}"] if previous else [])
        vectors = self._retriever.embed_many(queries)
        retrieved: dict[str, float] = {}
        for query_hits in self._retriever.search_many(queries, kinds=("passage",), k=self._candidates,
                                                      vectors=vectors):
            for hit in query_hits:
                retrieved[hit.document.key] = max(retrieved.get(hit.document.key, 0.0), hit.score)
        documents = {doc.key: doc for doc in self._by_sentence(queries)}
        documents.update({d.key: d for d in self._passages if d.key in retrieved})
        scored, support = [], 0.0
        for doc in documents.values():
            sentence, score, weighted = self._best_sentence(doc, queries, vectors)
            scored.append((doc, score + PASSAGE_WEIGHT * retrieved.get(doc.key, 0.0), sentence))
            support = max(support, weighted)
        scored.sort(key=lambda item: -item[1])
        citations = [_citation(number, doc, sentence, round(score, 4))
                     for number, (doc, score, sentence) in enumerate(scored[:top_k], start=1)]
        return Found(citations, self._rules(queries[-1], vectors[-1]), support)

    def _by_sentence(self, queries: list[str]) -> list[IndexDocument]:
        return [self._passages[self._sentence_owner[i]]
                for query in queries for i, _ in self._sentence_bm25.search(query, SENTENCE_CANDIDATES)]

    def _best_sentence(self, doc: IndexDocument, queries: list[str],
                       vectors: Vectors) -> tuple[Sentence, float, float]:
        """The answering sentence and its score (which ranks passages), and the passage's support: the best
        cosine plus weighted bigram share of any sentence (which decides whether anything answers at all)."""
        candidates = sentences(doc.text)
        matrix = self._vectors([s.text for s in candidates])
        found = [bigrams(s.text) for s in candidates]
        best: tuple[float, Sentence] | None = None
        support = 0.0
        for weight, query, vector in zip((1.0, CONTEXT_WEIGHT), queries, vectors, strict=False):
            cosines = matrix @ vector
            wanted = bigrams(query)
            for sentence, cosine, have in zip(candidates, cosines, found, strict=True):
                score = weight * combined(float(cosine), share(wanted, have))
                if best is None or score > best[0]:
                    best = (score, sentence)
                support = max(support, weight * (float(cosine) + LEXICAL_WEIGHT * self._weights.share(wanted, have)))
        assert best is not None
        return best[1], best[0], support

    def _vectors(self, texts: list[str]) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if t not in self._sentence_vectors]
        if missing:
            embedded = self._embedder.embed_documents([to_simplified(t) for t in missing])
            self._sentence_vectors.update(zip(missing, embedded, strict=True))
        return np.stack([self._sentence_vectors[t] for t in texts])

    def _rules(self, query: str, vector: Vectors) -> list[RuleEntry]:
        best: dict[str, float] = {}
        for hit in self._retriever.search(query, kinds=SCENARIO_KINDS, k=20, vector=vector):
            best[hit.document.scenario_id] = max(best.get(hit.document.scenario_id, 0.0), hit.score)
        ranked = sorted(best.items(), key=lambda item: -item[1])
        if not ranked:
            return []
        top = ranked[0][1]
        return [_rule(self._rulebook, sid) for sid, score in ranked[:MAX_RULES] if score >= RULE_SHARE * top]


def _citation(number: int, doc: IndexDocument, sentence: Sentence, score: float) -> AskCitation:
    return AskCitation.of_passage(doc.text, doc.metadata, number=number, highlight_start=sentence.start,
                                  highlight_end=sentence.end, sentence=sentence.text, score=score)


def _rule(rulebook: Rulebook, scenario_id: str) -> RuleEntry:
    scenario = rulebook.scenario(scenario_id)
    cited = scenario.approved[0].citation
    return RuleEntry(
        scenario_id=scenario.id, title=scenario.title, situation=scenario.situation,
        approved=[p.text for p in scenario.approved], forbidden=[f.text for f in scenario.forbidden],
        document=cited.document if cited else scenario.source, section=cited.section if cited else "",
    )
