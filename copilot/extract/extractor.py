"""A cleaned standard → proposed rulebook entries, each quoted verbatim with its offsets, categorised, deduplicated."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from copilot.check.model import COMPLIANT, ComplianceModel
from copilot.extract.cues import Cues
from copilot.extract.models import Proposal, proposal_id
from copilot.extract.reader import Finding, StandardReader, trim_heading
from copilot.ingest.passages import Passage
from copilot.rulebook.models import Category
from copilot.text.normalize import collapsed_key, to_simplified

PRIORITY = {"forbidden": 0, "approved": 1, "wording": 2}


def extract(document: str, text: str, passages: Sequence[Passage], cues: Cues,
            model: ComplianceModel | None) -> list[Proposal]:
    """Every entry the standard states, in document order. `model` names the kind of fault of a forbidden item
    whose context does not; without one such items have no category (an admin sets it before approving)."""
    reader = StandardReader(text, cues)
    findings = _distinct(reader.findings(), reader.text)
    proposals = [_proposal(document, text, passages, f) for f in findings]
    _categorise(proposals, findings, cues, model)
    return proposals


def _distinct(findings: list[Finding], text: str) -> list[Finding]:
    """One finding per wording: overlapping findings keep the stronger kind (× over √ over wording), and a
    phrasing the standard lists twice is proposed once, where it first appears."""
    taken: list[Finding] = []
    keys: set[tuple[bool, str]] = set()
    for finding in sorted(findings, key=lambda f: (PRIORITY[f.kind], f.span.start)):
        key = (finding.kind == "forbidden", collapsed_key(finding.span.of(text)))
        if key in keys or any(t.span.start < finding.span.end and finding.span.start < t.span.end for t in taken):
            continue
        keys.add(key)
        taken.append(finding)
    return sorted(taken, key=lambda f: f.span.start)


def _proposal(document: str, text: str, passages: Sequence[Passage], finding: Finding) -> Proposal:
    quote = finding.span.of(text)
    situation = trim_heading(finding.situation.of(text)) if finding.situation else None
    return Proposal(
        id=proposal_id(document, finding.kind, quote, situation), document=document, kind=finding.kind,
        text=quote, quote=quote, start=finding.span.start, end=finding.span.end,
        section=_section_of(passages, finding.span.start), situation=situation, slot=finding.slot,
        confidence=finding.confidence,
    )


def _section_of(passages: Sequence[Passage], offset: int) -> str:
    for passage in passages:
        if passage.start <= offset < passage.end:
            return passage.section
    return passages[0].section if passages else ""


def _categorise(proposals: list[Proposal], findings: list[Finding], cues: Cues,
                model: ComplianceModel | None) -> None:
    """The standard's own words first (`忌态度傲慢、厌烦` → impatient), then the trained checker model."""
    unnamed: list[int] = []
    for i, (proposal, finding) in enumerate(zip(proposals, findings, strict=True)):
        if proposal.kind != "forbidden":
            continue
        named = cues.category_in(to_simplified(finding.context))
        if named is not None:
            proposal.category, proposal.category_source = named, "cue"
        else:
            unnamed.append(i)
    if not unnamed or model is None:
        return
    probabilities, _ = model.predict([to_simplified(proposals[i].text) for i in unnamed])
    compliant = model.labels.index(COMPLIANT)
    for row, i in zip(probabilities, unnamed, strict=True):
        scores = np.array(row, dtype=np.float64)
        scores[compliant] = -1.0
        best = int(scores.argmax())
        proposal = proposals[i]
        proposal.category, proposal.category_source = Category(model.labels[best]), "model"
        confidence = float(row[best]) / max(1e-6, 1.0 - float(row[compliant]))
        proposal.confidence = round(proposal.confidence * max(cues.min_model_confidence, confidence), 3)
