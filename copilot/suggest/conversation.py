"""What the conversation so far says about the next suggestion: its phase, and what the agent already said.

The policy (which scenarios open or close a conversation, the general wording, how similar counts as said)
lives in `knowledge/conversation.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from copilot.suggest.transcript import Turn
from copilot.text.similarity import bigrams, dice

Phase = Literal["opening", "middle", "closing"]


class ConversationPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    opening: list[str] = Field(default_factory=list)
    closing: list[str] = Field(default_factory=list)
    general: list[str] = Field(default_factory=list)
    said_similarity: float = Field(default=0.8, gt=0, le=1)
    opening_after_agent: float = Field(default=0.5, ge=0, le=1)


def load_policy(path: Path) -> ConversationPolicy:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return ConversationPolicy.model_validate(data or {})


@dataclass(frozen=True)
class Conversation:
    agent_spoke: bool
    said: tuple[frozenset[str], ...]  # the agent's turns as character bigrams

    @classmethod
    def of(cls, turns: list[Turn]) -> Conversation:
        agent = [t.text for t in turns if t.role == "agent"]
        return cls(bool(agent), tuple(frozenset(bigrams(text)) for text in agent))

    def already_said(self, phrasing: str, similarity: float) -> bool:
        """The agent said this phrasing (or nearly: Dice similarity of character bigrams) in an earlier turn."""
        grams = bigrams(phrasing)
        return any(dice(grams, turn) >= similarity for turn in self.said)

    def phase(self, scenario_id: str | None, policy: ConversationPolicy) -> Phase:
        if scenario_id in policy.closing:
            return "closing"
        return "middle" if self.agent_spoke else "opening"
