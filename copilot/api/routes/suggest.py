from __future__ import annotations

from fastapi import APIRouter

from copilot.api.deps import SuggestServiceDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.suggest.models import SuggestRequest, SuggestResponse

router = APIRouter(prefix="/v1", tags=["suggest"])


@router.post("/suggest", response_model=SuggestResponse, responses=ERROR_RESPONSES)
def suggest(request: SuggestRequest, service: SuggestServiceDep) -> SuggestResponse:
    """How do I respond to this?

    Give the last turns of the conversation (the latest customer turn weighs most). Returns the
    detected scenario and the standard's compliant phrasings, best first, each with its citation;
    passages of the standards follow as supporting evidence.
    """
    return service.suggest(request)
