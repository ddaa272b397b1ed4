from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from copilot.api.deps import HolderDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Still loading, or failed to load"}})
def readyz(holder: HolderDep) -> JSONResponse:
    """Ready once the rulebook is loaded and the index is built; 503 with the reason until then."""
    body: dict[str, object] = {"status": holder.status}
    if holder.status == "ready":
        copilot = holder.copilot
        body.update(
            scenarios=len(copilot.knowledge.rulebook.scenarios),
            passages=copilot.knowledge.passage_count,
            embedding=copilot.embedder.name,
            knowledge_version=holder.version,
            llm=holder.settings.llm.mode,
        )
        if holder.llm_probe is not None:
            body["llm_probe"] = holder.llm_probe.model_dump()
        return JSONResponse(body)
    if holder.error:
        body["error"] = holder.error
    return JSONResponse(body, status_code=503)
