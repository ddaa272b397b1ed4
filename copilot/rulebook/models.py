"""Typed models of the rulebook as admins write it (YAML) and as the product uses it (with citations)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from copilot.citations import Citation as Citation  # re-exported: the rulebook cites its sources

Channel = Literal["voice", "chat", "outbound"]
Severity = Literal["block", "warn"]


class Category(StrEnum):
    """Kinds of forbidden language (服务忌语) the standards name."""

    RHETORICAL = "rhetorical"  # 反问、质问
    IMPATIENT = "impatient"  # 不耐烦、傲慢、厌烦
    SHIRKING = "shirking"  # 推卸责任、推诿、"我不知道"
    BLAMING = "blaming"  # 指责、教训、顶撞、埋怨客户
    RUSHING = "rushing"  # 催促客户
    PROVOKING = "provoking"  # 刺激客户、激化矛盾（"有本事就投诉"）
    VULGAR = "vulgar"  # 庸俗骂人
    REFUSAL = "refusal"  # 生硬拒绝
    VAGUE = "vague"  # 模糊性语言（回访）
    COLLOQUIAL = "colloquial"  # 口语化、俚语方言
    IMPROPER_ADDRESS = "improper_address"  # 喂、嘿
    UNAUTHORISED_PROMISE = "unauthorised_promise"  # 越权承诺


class _Quoted(BaseModel):
    """Text with the source it is quoted from. A bare YAML string is shorthand for `{text: ...}`."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    source: str | None = Field(default=None, description="Document id; defaults to the scenario's source.")
    quote: str | None = Field(
        default=None, description="Verbatim source wording when `text` adapts it (placeholders, a cut)."
    )
    authored: bool = Field(
        default=False, description="Written by the rulebook's editors; `quote` is then the rule it follows."
    )
    citation: Citation | None = Field(default=None, description="Filled in by the loader.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _authored_needs_basis(self) -> _Quoted:
        if self.authored and not self.quote:
            raise ValueError(f"authored text needs `quote`: the standard's rule it follows ({self.text!r})")
        return self

    @property
    def cited_wording(self) -> str:
        return self.quote or self.text


class Phrasing(_Quoted):
    """An approved phrasing (√)."""


class Guidance(_Quoted):
    """A rule or note from the standard for this scenario."""


class ForbiddenPhrasing(_Quoted):
    """A forbidden phrasing (×) with its category."""

    category: Category
    severity: Severity = "block"


class Wording(_Quoted):
    """Required wording (开头语, 结束语, 转接语) a standard prescribes: scorecard-ready, by slot."""

    slot: str = Field(pattern=r"^[a-z_]+$", description="opening, closing or transfer.")


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    channels: list[Channel] = Field(min_length=1)
    source: str = Field(description="Default document id for the quotes in this scenario.")
    situation: str = Field(description="When this applies, in the standard's words where it has them.")
    examples: list[str] = Field(min_length=2, description="What customers say in this situation.")
    approved: list[Phrasing] = Field(min_length=1)
    forbidden: list[ForbiddenPhrasing] = Field(default_factory=list)
    guidance: list[Guidance] = Field(default_factory=list)

    def quoted(self) -> list[_Quoted]:
        return [*self.approved, *self.forbidden, *self.guidance]


EXTRACTED_PREFIX = "extracted-"  # rulebook/extracted-<document>.yaml: written by the extractor on approval


class RulebookFile(BaseModel):
    """A rulebook file is a list of scenarios, or this mapping: scenarios plus a standard's forbidden list and
    required wording, which belong to no one scenario (what `copilot/extract` writes for an uploaded standard)."""

    model_config = ConfigDict(extra="forbid")

    scenarios: list[Scenario] = Field(default_factory=list)
    forbidden: list[ForbiddenPhrasing] = Field(default_factory=list, description="Each needs `source`.")
    wording: list[Wording] = Field(default_factory=list, description="Each needs `source`.")


class Rulebook(BaseModel):
    scenarios: list[Scenario]
    forbidden: list[ForbiddenPhrasing] = Field(default_factory=list, description="Forbidden lists of standards.")
    wording: list[Wording] = Field(default_factory=list)
    uploaded: list[str] = Field(
        default_factory=list,
        description="Documents whose rulebook file the extractor wrote: a customer's own standards, approved.")

    def scenario(self, scenario_id: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise KeyError(scenario_id)
