"""Review decisions on proposals, as pure functions: what a fresh reading keeps of earlier decisions, and what
approving, rejecting or editing one does."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from copilot.errors import InvalidInput
from copilot.extract.models import Proposal
from copilot.rulebook.models import Category

Action = Literal["approve", "reject", "edit"]


class ProposalEdit(BaseModel):
    """What an admin may change before approving: the wording used (the quote stays the standard's), the
    category of a forbidden phrasing, the situation a √ phrasing is suggested in."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, min_length=1, max_length=500)
    category: Category | None = None
    situation: str | None = Field(default=None, min_length=2, max_length=200)


def merge(fresh: list[Proposal], stored: list[Proposal]) -> list[Proposal]:
    """A re-read document: the same wording keeps its id and the admin's decision and edits; entries the new
    text no longer states are gone (their approval with them)."""
    earlier = {p.id: p for p in stored}
    return [_kept(p, earlier[p.id]) if p.id in earlier else p for p in fresh]


def _kept(fresh: Proposal, earlier: Proposal) -> Proposal:
    return fresh.model_copy(update={"status": earlier.status, "text": earlier.text, "category": earlier.category,
                                    "category_source": earlier.category_source, "situation": earlier.situation})


def approve_all(proposals: list[Proposal]) -> list[Proposal]:
    """Every pending proposal that can act (a forbidden one needs its category); rejected ones stay rejected."""
    return [p.model_copy(update={"status": "approved"}) if p.status == "pending" and _can_act(p) else p
            for p in proposals]


def decide(proposal: Proposal, action: Action, edit: ProposalEdit | None = None) -> Proposal:
    if action == "approve":
        if not _can_act(proposal):
            raise InvalidInput(f"proposal {proposal.id} has no category: edit it first", {"proposal": proposal.id})
        return proposal.model_copy(update={"status": "approved"})
    if action == "reject":
        return proposal.model_copy(update={"status": "rejected"})
    changes = (edit or ProposalEdit()).model_dump(exclude_none=True)
    if not changes:
        raise InvalidInput("nothing to edit: give text, category or situation", {"proposal": proposal.id})
    if "category" in changes:
        if proposal.kind != "forbidden":
            raise InvalidInput("only a forbidden phrasing has a category", {"proposal": proposal.id})
        changes["category_source"] = "admin"
    return proposal.model_copy(update=changes)


def _can_act(proposal: Proposal) -> bool:
    return proposal.kind != "forbidden" or proposal.category is not None
