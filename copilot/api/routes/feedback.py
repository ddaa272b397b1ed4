"""Feedback from the sidebar, and its summary for QA."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from copilot.api.auth import require
from copilot.api.deps import PrincipalDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.feedback.models import FeedbackAccepted, FeedbackBatch, FeedbackStats
from copilot.feedback.store import FeedbackStore

router = APIRouter(prefix="/v1", tags=["feedback"])


def _store(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.feedback
    return store


@router.post("/feedback", response_model=FeedbackAccepted, responses=ERROR_RESPONSES,
             dependencies=[require("agent")])
async def post_feedback(batch: FeedbackBatch, request: Request, principal: PrincipalDep) -> FeedbackAccepted:
    """Record what the agent did with a suggestion, answer or alternative (no conversation text is stored),
    or a finding the agent marks as a false alarm (误报; the draft is stored with phone, ID and card numbers
    masked, for `copilot feedback export --false-alarms`)."""
    stored = await run_in_threadpool(_store(request).add, batch.events, principal.name)
    return FeedbackAccepted(stored=stored)


@router.get("/feedback/stats", response_model=FeedbackStats, responses=ERROR_RESPONSES,
            dependencies=[require("qa")])
async def feedback_stats(request: Request) -> FeedbackStats:
    """Events per action, per scenario (with the share of shown phrasings that were used) and per checker rule
    whose alternative was applied."""
    return await run_in_threadpool(_store(request).stats)
