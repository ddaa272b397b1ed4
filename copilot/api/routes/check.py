from __future__ import annotations

from fastapi import APIRouter

from copilot.api.deps import CheckServiceDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.check.models import CheckRequest, CheckResponse, RewriteResponse

router = APIRouter(prefix="/v1", tags=["check"])


@router.post("/check", response_model=CheckResponse, responses=ERROR_RESPONSES)
def check(request: CheckRequest, service: CheckServiceDep) -> CheckResponse:
    """Check a draft before it is sent.

    Returns every violation as an exact span of the draft (code-point offsets, end exclusive) with its
    category, severity (`block` or `warn`), the rule and its citation, a one-line reason in Chinese and the
    standard's compliant alternative. `flagged` is true iff any violation blocks.
    """
    return service.check(request)


@router.post("/rewrite", response_model=RewriteResponse, responses=ERROR_RESPONSES)
def rewrite(request: CheckRequest, service: CheckServiceDep) -> RewriteResponse:
    """Replace each blocking span with the standard's alternative, without an LLM.

    Lists every change, and the blocking violations that have no alternative and need a human.
    """
    return service.rewrite(request)
