"""Conversation QA: score finished conversations against the scorecards (role qa)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from copilot.api.auth import require
from copilot.api.deps import CopilotDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.qa.batch import score_batch
from copilot.qa.models import ScoreRequest, ScoreResponse

router = APIRouter(prefix="/v1/qa", tags=["qa"], dependencies=[require("qa")])


@router.post("/score", response_model=ScoreResponse, responses=ERROR_RESPONSES)
async def score(request: ScoreRequest, copilot: CopilotDep) -> ScoreResponse:
    """Score up to 200 conversations: per conversation the total (0-100), and per scorecard item pass, fail or
    n/a with its evidence (turn index and code-point offsets into that turn; numbers masked in `text`), what is
    missing, the standard's phrasing to coach with and the passage the item comes from. `summary` covers the
    batch: score bands, the items failed most, the lowest-scoring conversations."""
    scored = await run_in_threadpool(score_batch, copilot.qa, request.conversations)
    return ScoreResponse(results=scored.results, summary=scored.summary)
