"""The extractor measured against the project's own curation: the hand-written rulebook and `checker.yaml` name the
× and √ phrasings each shipped standard states; the extractor should find them (recall) and little else
(precision), per document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from copilot.check.rules import CheckerData
from copilot.extract.models import Proposal
from copilot.ingest.sources import SourceDocument
from copilot.rulebook.models import Rulebook, _Quoted
from copilot.text.normalize import locate, match_key

ADAPTED = 0.6  # an adapted phrasing (`text` + `quote`) keeps at least this share of its quote's words
SAME = 0.5  # a proposal and a curated phrasing are the same entry when one holds the other at this length ratio


@dataclass
class Curated:
    """Phrasings by their match key: `你有什么了不起` and `你有什么了不起！` are one."""

    forbidden: dict[str, str] = field(default_factory=dict)
    approved: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, wording: str) -> None:
        getattr(self, kind).setdefault(match_key(wording), wording)


def curated(documents: dict[str, SourceDocument], rulebook: Rulebook, checker: CheckerData) -> dict[str, Curated]:
    """Per document, the verbatim × and √ phrasings the curation quotes from it. Editors' own wording
    (`authored`) and entries whose quote is a rule rather than the phrasing are not phrasings of the standard."""
    out = {doc_id: Curated() for doc_id in documents}
    for scenario in rulebook.scenarios:
        pairs: list[tuple[_Quoted, str]] = [(p, "approved") for p in scenario.approved]
        for item, into in pairs + [(f, "forbidden") for f in scenario.forbidden]:
            doc_id = item.source or scenario.source
            wording = _verbatim(item, documents.get(doc_id))
            if wording:
                out[doc_id].add(into, wording)
    for term in checker.terms:
        document = documents.get(term.source)
        if document and locate(document.text, term.text) and match_key(term.text) in match_key(term.quote):
            out[term.source].add("forbidden", term.quote)
    for pattern in checker.patterns:
        document = documents.get(pattern.source)
        if document and _in_order([p if isinstance(p, str) else p[0] for p in pattern.parts], pattern.quote):
            out[pattern.source].add("forbidden", pattern.quote)
    return out


def _verbatim(item: _Quoted, document: SourceDocument | None) -> str | None:
    if item.authored or document is None:
        return None
    if locate(document.text, item.text):
        return item.text
    if item.quote and _kept_share(item.text, item.quote) >= ADAPTED:
        return item.quote
    return None


def _kept_share(text: str, quote: str) -> float:
    a, b = match_key(text), match_key(quote)
    matched = sum(block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / max(1, len(b))


def _in_order(parts: list[str], text: str) -> bool:
    key, at = match_key(text), 0
    for part in parts:
        at = key.find(match_key(part), at)
        if at < 0:
            return False
        at += len(match_key(part))
    return True


def same_entry(a: str, b: str) -> bool:
    x, y = match_key(a), match_key(b)
    if not x or not y:
        return False
    short, long = sorted((x, y), key=len)
    return short in long and len(short) / len(long) >= SAME


@dataclass
class Agreement:
    """One kind (× or √) in one document."""

    curated: list[str]
    proposed: list[str]
    missed: list[str] = field(init=False)
    extra: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.missed = [c for c in self.curated if not any(same_entry(c, p) for p in self.proposed)]
        self.extra = [p for p in self.proposed if not any(same_entry(c, p) for c in self.curated)]

    @property
    def recall(self) -> float | None:
        return 1 - len(self.missed) / len(self.curated) if self.curated else None

    @property
    def precision(self) -> float | None:
        return 1 - len(self.extra) / len(self.proposed) if self.proposed else None


@dataclass
class DocumentAgreement:
    document: str
    forbidden: Agreement
    approved: Agreement


def agreement(curation: dict[str, Curated], proposals: dict[str, list[Proposal]]) -> list[DocumentAgreement]:
    out = []
    for doc_id, truth in sorted(curation.items()):
        found = proposals.get(doc_id, [])
        out.append(DocumentAgreement(
            doc_id,
            Agreement(sorted(truth.forbidden.values()), [p.quote for p in found if p.kind == "forbidden"]),
            Agreement(sorted(truth.approved.values()), [p.quote for p in found if p.kind != "forbidden"]),
        ))
    return out


def overall(rows: Iterable[DocumentAgreement], kind: str) -> Agreement:
    """All documents pooled (micro average)."""
    parts = [getattr(r, kind) for r in rows]
    pooled = Agreement([], [])
    pooled.curated = [c for p in parts for c in p.curated]
    pooled.proposed = [x for p in parts for x in p.proposed]
    pooled.missed = [m for p in parts for m in p.missed]
    pooled.extra = [e for p in parts for e in p.extra]
    return pooled
