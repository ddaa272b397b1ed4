"""Checks on model output beyond the draft checker: an empty or over-long reply, its own instructions repeated,
a remedy offered that its grounding does not mention."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Literal

from copilot.text.normalize import match_key

# A reply sharing this many consecutive (normalised) characters with the fixed instructions is repeating them;
# the approved phrasings are variables, not instructions, so quoting those is fine.
LEAK_RUN = 12


def repeats_instructions(reply: str, instructions: tuple[str, ...], run: int = LEAK_RUN) -> bool:
    key = match_key(reply)
    if len(key) < run:
        return False
    for text in instructions:
        source = match_key(text)
        if len(source) < run:
            continue
        match = SequenceMatcher(None, key, source, autojunk=False).find_longest_match(0, len(key), 0, len(source))
        if match.size >= run:
            return True
    return False


# Money and remedies a model must not offer on its own: only a phrasing or rule it was given may mention them.
COMMITMENT_TERMS = (
    "退款", "退钱", "退费", "赔偿", "赔付", "补偿", "返还", "减免", "免单", "免费", "赠送", "红包", "代金券",
)


def unsupported_commitments(reply: str, grounding: str) -> list[str]:
    """Commitment terms in the reply that appear nowhere in the text the reply was grounded in."""
    reply_key, grounding_key = match_key(reply), match_key(grounding)
    return [term for term in COMMITMENT_TERMS if term in reply_key and term not in grounding_key]


Screened = Literal["empty", "too_long", "prompt_leak"]


def screen(text: str, raw: str, instructions: tuple[str, ...], max_chars: int | None = None) -> Screened | None:
    """What makes a reply unusable before any checker sees it: nothing in it, over `max_chars` (when given), or
    its instructions repeated (judged on `raw`, the reply with placeholders still in)."""
    if not text:
        return "empty"
    if max_chars is not None and len(text) > max_chars:
        return "too_long"
    if repeats_instructions(raw, instructions):
        return "prompt_leak"
    return None
