from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.sse import EventSourceResponse

from copilot.api.auth import require
from copilot.api.deps import CopilotDep, MetricsDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.api.sse import sse
from copilot.compose.engine import Event, Final, Retry
from copilot.compose.models import ComposedSuggestResponse, ComposeSuggestRequest
from copilot.compose.service import ComposeService
from copilot.llm.loop import Token
from copilot.observability.metrics import Metrics
from copilot.suggest.models import SuggestResponse

router = APIRouter(prefix="/v1", tags=["suggest"], dependencies=[require("agent")])

STREAM_RESPONSES = {**ERROR_RESPONSES, 200: {
    "content": {"text/event-stream": {}},
    "description": "Events: `suggestions` (the extractive answer, at once), `token` (unchecked text), "
                   "`retry` (discard the text so far), and last `final` (the checked reply).",
}}


# exclude_unset: `composed` appears only when asked for, so the extractive answer is unchanged.
@router.post("/suggest", response_model=ComposedSuggestResponse, response_model_exclude_unset=True,
             responses=ERROR_RESPONSES)
async def suggest(request: ComposeSuggestRequest, copilot: CopilotDep, metrics: MetricsDep) -> ComposedSuggestResponse:
    """How do I respond to this?

    Give the last turns of the conversation (the latest customer turn weighs most). Returns the
    detected scenario and the standard's compliant phrasings, best first, each with its citation;
    passages of the standards follow as supporting evidence. With `compose: true`, `composed` adds a reply
    written by the LLM from those phrasings and passed by the checker, or the best phrasing if the model is
    not configured, fails, times out or writes something the checker blocks twice (`origin`, `fallback_reason`).
    """
    response = await copilot.compose.suggest_and_compose(request)
    if request.compose:
        metrics.observe_composed(response.composed)
    return response


@router.post("/suggest/stream", responses=STREAM_RESPONSES)
async def suggest_stream(request: ComposeSuggestRequest, copilot: CopilotDep,
                         metrics: MetricsDep) -> EventSourceResponse:
    """The same as /v1/suggest with `compose`, as Server-Sent Events.

    `suggestions` comes first (the standard's phrasings, safe to show), then `token` events with the model's
    text as it is written. **That text is unchecked**: show it as a draft and do not let it be sent until the
    `final` event, which carries the checked reply (`origin`, `fallback_reason`, `check`). A `retry` event
    means the first draft was blocked: discard the tokens so far. `final` is always the last event.
    """
    base = await copilot.compose.suggest(request)
    return EventSourceResponse(_events(copilot.compose, request, base, metrics))


async def _events(compose: ComposeService, request: ComposeSuggestRequest, base: SuggestResponse,
                  metrics: Metrics) -> AsyncIterator[bytes]:
    yield sse("suggestions", base)
    async for event in compose.reply_events(request, base):
        if isinstance(event, Final):
            metrics.observe_composed(event.composed)
        yield _encode(event)
        if isinstance(event, Final):
            return
    yield sse("final", {"composed": None})  # no scenario: nothing to ground a reply in


def _encode(event: Event) -> bytes:
    if isinstance(event, Token):
        return sse("token", {"text": event.text})
    if isinstance(event, Retry):
        return sse("retry", event.notice)
    assert isinstance(event, Final)
    return sse("final", {"composed": event.composed.model_dump(mode="json")})
