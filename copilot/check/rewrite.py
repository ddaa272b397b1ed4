"""Apply the standard's alternatives so the result reads as one reply.

A finding's whole clause is replaced (a sentence-level alternative cannot be spliced into the middle of a
clause); pieces are joined with proper punctuation; an alternative already given is not repeated, and a kept
clause the alternative already says is dropped. Wording findings (你, 啥, 不好意思…) get the word swapped
instead, where the replacement table knows the word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot.check.models import Change, Violation
from copilot.text.normalize import match_key

SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]*")
CLAUSE = re.compile(r"[^，,；;：:、]+[，,；;：:、]*")
ENDS = "。！？!?"
WORDING = ("colloquial", "improper_address")


@dataclass
class _Clause:
    text: str  # without its trailing separator
    start: int
    end: int
    alternative: str | None = None  # set on the first clause a finding replaces
    dropped: bool = False
    swapped: bool = False  # its listed words were replaced already


@dataclass
class _Sentence:
    clauses: list[_Clause]
    terminator: str
    changes: list[Change] = field(default_factory=list)


def _sentences(text: str) -> list[_Sentence]:
    out = []
    for sentence in SENTENCE.finditer(text):
        body = sentence.group().rstrip(ENDS + "\n")
        terminator = sentence.group()[len(body):].strip() or ""
        clauses = []
        for clause in CLAUSE.finditer(body):
            piece = clause.group().rstrip("，,；;：:、")
            if piece.strip():
                start = sentence.start() + clause.start()
                clauses.append(_Clause(piece, start, start + len(piece)))
        if clauses:
            out.append(_Sentence(clauses, terminator))
    return out


def swap_words(text: str, replacements: dict[str, str]) -> str | None:
    """`text` with every listed word replaced (longest first); None when no listed word is in it."""
    pattern = "|".join(re.escape(w) for w in sorted(replacements, key=len, reverse=True))
    if not pattern or not re.search(pattern, text):
        return None
    return re.sub(pattern, lambda m: replacements[m.group()], text)


def apply_alternatives(draft: str, violations: list[Violation], replacements: dict[str, str]
                       ) -> tuple[str, list[Change]]:
    """The draft with every given violation fixed, and what changed (offsets into `draft`)."""
    sentences = _sentences(draft)
    clauses = [c for s in sentences for c in s.clauses]
    changes: list[Change] = []
    present = match_key(draft)  # an alternative the draft already says (applied earlier, one finding at a time)
    applied: set[str] = set()
    for violation in sorted(violations, key=lambda v: v.start):
        hit = [c for c in clauses if c.start < violation.end and violation.start < c.end and not c.dropped]
        if not hit:
            continue
        if violation.category in WORDING:
            swapped = [(c, swap_words(c.text, replacements)) for c in hit if not c.swapped]
            if all(new is not None for _, new in swapped):  # every listed word of the clause goes at once
                for c, new in swapped:
                    if new is not None and c.alternative is None:
                        changes.append(Change(start=c.start, end=c.end, before=c.text, after=new,
                                              rule_id=violation.rule_id))
                        c.text, c.swapped = new, True
                        c.dropped = not match_key(new)  # 亲，… → nothing left of that clause
                continue
        if violation.alternative is None:
            continue
        key = match_key(violation.alternative)
        repeated = key in applied or key in present  # said once already: the clause just goes
        changes.append(Change(start=hit[0].start, end=hit[-1].end, before=draft[hit[0].start : hit[-1].end],
                              after="" if repeated else violation.alternative, rule_id=violation.rule_id))
        applied.add(key)
        hit[0].alternative = None if repeated else violation.alternative
        hit[0].dropped = repeated
        for c in hit[1:]:
            c.dropped = True
    return _assemble(sentences), changes


def _assemble(sentences: list[_Sentence]) -> str:
    """Kept clauses before an alternative lead into it with a comma; kept clauses after it form a sentence of
    their own with the original end mark. An alternative already given, and a kept clause it says, go."""
    given: list[str] = []
    out: list[str] = []
    for sentence in sentences:
        pending: list[str] = []
        for clause in sentence.clauses:
            if clause.dropped:
                continue
            if clause.alternative is None:
                pending.append(clause.text.strip())
                continue
            key = match_key(clause.alternative)
            if key in given:
                continue
            given.append(key)
            pending = [p for p in pending if not _said(p, clause.alternative)]
            out.append("，".join([*pending, clause.alternative.strip()]) if pending else clause.alternative.strip())
            if out[-1][-1] not in ENDS:
                out[-1] += "。"
            pending = []
        pending = [p for p in pending if not any(_said(p, g) for g in given)]
        if pending:
            out.append("，".join(pending) + (sentence.terminator or "。"))
    return "".join(out)


def _said(clause: str, alternative: str) -> bool:
    """The kept clause adds nothing: (nearly) all of its character pairs are in the alternative already."""
    key, other = match_key(clause), match_key(alternative)
    if not key:
        return True
    pairs = {key[i : i + 2] for i in range(len(key) - 1)} or {key}
    return sum(p in other for p in pairs) / len(pairs) >= 0.6
