from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from copilot.api.auth import require
from copilot.api.deps import CopilotDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.rulebook.models import Channel

router = APIRouter(prefix="/v1", tags=["rulebook"], dependencies=[require("agent")])


class ScenarioSummary(BaseModel):
    id: str
    title: str
    channels: list[Channel]
    situation: str
    approved: list[str]
    forbidden: list[str]


@router.get("/scenarios", response_model=list[ScenarioSummary], responses=ERROR_RESPONSES)
def list_scenarios(copilot: CopilotDep) -> list[ScenarioSummary]:
    """Every scenario of the rulebook with its approved (√) and forbidden (×) phrasings."""
    return [
        ScenarioSummary(
            id=s.id, title=s.title, channels=s.channels, situation=s.situation,
            approved=[p.text for p in s.approved], forbidden=[p.text for p in s.forbidden],
        )
        for s in copilot.knowledge.rulebook.scenarios
    ]
