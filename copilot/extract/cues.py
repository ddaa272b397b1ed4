"""The wording standards use to mark what they forbid and approve (`knowledge/extraction.yaml`), typed."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from copilot.errors import KnowledgeInvalid
from copilot.rulebook.models import Category

WordingSlot = str  # opening | closing | transfer (the keys of `Cues.wording`)


class Cues(BaseModel):
    model_config = ConfigDict(extra="forbid")

    forbidden_headings: list[str] = Field(min_length=1, description="Introduce a list of forbidden phrasings.")
    forbidden_markers: list[str] = Field(min_length=1, description="Mark the phrasing after them as forbidden.")
    approved_markers: list[str] = Field(min_length=1, description="Mark the phrasing after them as approved.")
    heading_not_a_list: list[str] = Field(
        default_factory=list,
        description="Right after a forbidden heading's word, these make it a definition or a title of what replaces "
        "the list (`服务禁语是指推诿、讥讽…`, `禁语的替代说法`), not the list's start.")
    heading_refers_back: list[str] = Field(
        default_factory=list,
        description="Just before a forbidden heading's word (within a few characters), these name a list given "
        "elsewhere (`使用第十九条所列服务禁语`, `上述禁语同样不得…`): no list starts there.")
    approved_headings: list[str] = Field(
        default_factory=list,
        description="Head a numbered list of `situation: phrasing` items (each label is a situation).")
    boundary_markers: list[str] = Field(default_factory=list, description="Markers only at a clause start.")
    colon_markers: list[str] = Field(default_factory=list, description="Markers only right before a colon.")
    speech_verbs: list[str] = Field(default_factory=list, description="Negated, they forbid what follows.")
    speakers: list[str] = Field(default_factory=list, description="Agent labels: their quoted words are scripts.")
    rule_words: list[str] = Field(default_factory=list, description="An item holding one states a rule.")
    description_endings: list[str] = Field(default_factory=list, description="An item ending so names a kind.")
    example_intros: list[str] = Field(default_factory=list, description="Introduce examples inside a rule.")
    courtesy_words: list[str] = Field(default_factory=list, description="Unquoted approved wording needs one.")
    situation_openers: list[str] = Field(default_factory=list)
    situation_closers: list[str] = Field(default_factory=list)
    customer_subjects: list[str] = Field(default_factory=list)
    table_situations: list[str] = Field(
        default_factory=list, description="A table column headed by one of these names each row's situation.")
    wording: dict[str, list[str]] = Field(default_factory=dict, description="Required-wording slot → headings.")
    category_cues: dict[Category, list[str]] = Field(default_factory=dict)
    min_model_confidence: float = Field(default=0.5, ge=0, le=1)
    min_phrasing_chars: int = Field(default=3, ge=1)

    def category_in(self, text: str) -> Category | None:
        """The category a heading or rule names (the earliest cue in `text` wins)."""
        best: tuple[int, Category] | None = None
        for category, words in self.category_cues.items():
            for word in words:
                at = text.find(word)
                if at >= 0 and (best is None or at < best[0]):
                    best = (at, category)
        return best[1] if best else None


def load_cues(path: Path) -> Cues:
    try:
        return Cues.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except FileNotFoundError as exc:
        raise KnowledgeInvalid(f"no extraction cues at {path}", {"file": str(path)}) from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeInvalid(f"{path.name}: {exc}", {"file": path.name}) from exc
