"""Checks on model output before any checker sees it: an empty or over-long reply, its own instructions repeated.
(Claims, form and others' data: copilot/llm/replies.py.)"""

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


Screened = Literal["empty", "too_long", "prompt_leak"]


def screen(text: str, raw: str, instructions: tuple[str, ...], max_chars: int | None = None) -> Screened | None:
    """What makes a reply unusable before any checker sees it: nothing in it, its instructions repeated (judged
    on `raw`, the reply with placeholders still in), or over `max_chars` (when given)."""
    if not text:
        return "empty"
    if repeats_instructions(raw, instructions):  # named first: a leak is worse than its length
        return "prompt_leak"
    if max_chars is not None and len(text) > max_chars:
        return "too_long"
    return None
