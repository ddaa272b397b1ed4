"""Utterances → labelled windows: the unit the checker model is trained on and judges at run time."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.check.model import COMPLIANT
from copilot.text.clauses import Window, windows
from copilot.text.normalize import to_simplified
from copilot.train.corpus import Utterance


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    utterance_id: str


def window_label(window: Window, utterance: Utterance) -> str:
    """The utterance's category for a window that overlaps an offending span; compliant otherwise (the
    polite clauses around an offence are what agents should keep saying)."""
    if utterance.label == COMPLIANT:
        return COMPLIANT
    offending = any(window.start < end and start < window.end for start, end in utterance.span_offsets())
    return utterance.label if offending else COMPLIANT


def examples(utterances: list[Utterance]) -> list[Example]:
    """Every window of every utterance, simplified as the checker sees it, each text once per label."""
    out: dict[tuple[str, str], Example] = {}
    for utterance in utterances:
        for window in windows(utterance.text):
            text, label = to_simplified(window.text), window_label(window, utterance)
            out.setdefault((text, label), Example(text, label, utterance.id))
    return list(out.values())
