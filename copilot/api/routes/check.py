from __future__ import annotations

from fastapi import APIRouter

from copilot.api.auth import require
from copilot.api.deps import CheckServiceDep, CopilotDep, MetricsDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.check.models import CheckRequest, CheckResponse
from copilot.compose.models import FluentRewriteResponse, RewriteRequest

router = APIRouter(prefix="/v1", tags=["check"], dependencies=[require("agent")])


@router.post("/check", response_model=CheckResponse, responses=ERROR_RESPONSES)
def check(request: CheckRequest, service: CheckServiceDep, metrics: MetricsDep) -> CheckResponse:
    """Check a draft before it is sent.

    Returns every violation as an exact span of the draft (code-point offsets, end exclusive) with its
    category, severity (`block` or `warn`), the rule and its citation, a one-line reason in Chinese and the
    standard's compliant alternative. `flagged` is true iff any violation blocks.
    """
    response = service.check(request)
    metrics.observe_check(response)
    return response


@router.post("/rewrite", response_model=FluentRewriteResponse, response_model_exclude_unset=True,
             responses=ERROR_RESPONSES)
async def rewrite(request: RewriteRequest, copilot: CopilotDep, metrics: MetricsDep) -> FluentRewriteResponse:
    """Apply the standard's alternative to every finding, or to those overlapping `targets` (rule-based, no LLM).

    The whole clause carrying a finding is replaced and the pieces are joined with proper punctuation, so the
    result reads as one reply; wording findings (你, 啥…) get the word swapped. Lists every change, and the
    blocking violations that have no alternative and need a human. With an LLM
    configured and `fluent` true, a flagged draft also gets `composed`: a fluent rewrite that passed the
    checker, or the rule-based draft if the model failed or was blocked twice.
    """
    response = await copilot.compose.rewrite(request)
    if "composed" in response.model_fields_set:
        metrics.observe_composed(response.composed)
    return response
