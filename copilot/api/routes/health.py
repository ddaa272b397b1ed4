from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from copilot.api.deps import HolderDep, SharedStateDep
from copilot.errors import StateUnavailable
from copilot.state.registry import SharedState

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Still loading, or failed to load"}})
async def readyz(holder: HolderDep, state: SharedStateDep) -> JSONResponse:
    """Ready once the rulebook is loaded and the index is built; 503 with the reason until then.

    `state` says where live sessions are kept and whether that store answers; an unreachable Redis keeps the
    replica ready (suggest, check and rewrite go on; live sessions answer 503 state_unavailable)."""
    body: dict[str, object] = {"status": holder.status}
    if holder.status == "ready":
        copilot = holder.copilot
        body.update(
            scenarios=len(copilot.knowledge.rulebook.scenarios),
            passages=copilot.knowledge.passage_count,
            embedding=copilot.embedder.name,
            knowledge_version=holder.version,
            llm=holder.settings.llm.mode,
            state={"mode": state.mode, "reachable": await _reachable(state)},
        )
        if holder.llm_probe is not None:
            body["llm_probe"] = holder.llm_probe.model_dump()
        return JSONResponse(body)
    if holder.error:
        body["error"] = holder.error
    return JSONResponse(body, status_code=503)


async def _reachable(state: SharedState) -> bool:
    try:
        await state.ping()
    except StateUnavailable:
        return False
    return True
