"""Approved proposals → the rulebook file of their document: a scenario per situation with √ phrasings (its ×
phrasings beside them), the standard's forbidden list, and its required wording."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from copilot.extract.cues import Cues
from copilot.extract.models import Proposal
from copilot.rulebook.models import EXTRACTED_PREFIX, Channel

CHANNELS: list[Channel] = ["voice", "chat", "outbound"]


def rulebook_file_name(document: str) -> str:
    """`rulebook/extracted-<document>.yaml`: apart from the hand-written files, removed with the document."""
    return f"rulebook/{EXTRACTED_PREFIX}{document}.yaml"


def rulebook_yaml(document: str, proposals: list[Proposal], cues: Cues) -> str | None:
    """The file for the approved proposals of `document`, or None when none is approved."""
    approved = [p for p in proposals if p.status == "approved"]
    if not approved:
        return None
    groups: dict[str, list[Proposal]] = {}
    for proposal in approved:
        if proposal.kind != "wording":
            groups.setdefault(proposal.situation or proposal.section, []).append(proposal)
    scenarios: list[dict[str, Any]] = []
    loose: list[dict[str, Any]] = []
    for situation, group in groups.items():
        if any(p.kind == "approved" for p in group):
            scenarios.append(_scenario(document, situation, group, cues))
        else:
            loose.extend({**_entry(p), "category": str(p.category), "source": document} for p in group)
    wording = [{**_entry(p), "slot": p.slot or "opening", "source": document}
               for p in approved if p.kind == "wording"]
    content = {"scenarios": scenarios, "forbidden": loose, "wording": wording}
    header = f"# Approved entries read from the standard `{document}` (copilot knowledge extract). Review them in\n" \
             "# GET /v1/knowledge/proposals; this file is rewritten on every approval.\n"
    return header + yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=120)


def _scenario(document: str, situation: str, group: list[Proposal], cues: Cues) -> dict[str, Any]:
    forbidden = [p for p in group if p.kind == "forbidden"]
    digest = hashlib.sha256(situation.encode()).hexdigest()[:8]
    return {
        "id": f"{document}-{digest}",
        "title": situation[:40],
        "channels": CHANNELS,
        "source": document,
        "situation": situation,
        "examples": customer_texts(situation, [p.text for p in forbidden], cues),
        "approved": [_entry(p) for p in group if p.kind == "approved"],
        "forbidden": [{**_entry(p), "category": str(p.category)} for p in forbidden],
    }


def _entry(proposal: Proposal) -> dict[str, Any]:
    if proposal.text == proposal.quote:
        return {"text": proposal.text}
    return {"text": proposal.text, "quote": proposal.quote}


def customer_texts(situation: str, forbidden: list[str], cues: Cues) -> list[str]:
    """What a customer says in this situation, from the standard's words: the situation without its framing
    (`遇到客户投诉热线难拨通时` → `投诉热线难拨通`), and the × phrasings, which answer the customer's words."""
    core = re.sub(r"[(（][^)）]*[)）]", "", situation).strip(" ：:，,。")
    for opener in sorted(cues.situation_openers, key=len, reverse=True):
        if core.startswith(opener) and len(core) > len(opener) + 2:
            core = core[len(opener):]
            break
    for closer in sorted(cues.situation_closers, key=len, reverse=True):
        if core.endswith(closer) and len(core) > len(closer) + 2:
            core = core[: -len(closer)]
            break
    without_subject = core
    for subject in cues.customer_subjects:
        if core.startswith(subject) and len(core) > len(subject) + 2:
            without_subject = core[len(subject):]
            break
    texts = list(dict.fromkeys(t for t in [without_subject, core, *forbidden, situation] if t.strip()))
    return texts if len(texts) >= 2 else [*texts, f"{texts[0]}。"]
