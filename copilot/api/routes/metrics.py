from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from copilot.api.auth import require
from copilot.api.deps import HolderDep, MetricsDep
from copilot.api.errors import ERROR_RESPONSES

router = APIRouter(tags=["observability"], dependencies=[require("qa")])


@router.get("/metrics", response_class=Response, responses={
    **ERROR_RESPONSES, 200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
def metrics(metrics: MetricsDep, holder: HolderDep) -> Response:
    """Prometheus metrics: requests and latency per route, checker findings by category, composition
    fallbacks, re-indexes. Needs the qa role when auth is on (Prometheus can send a bearer token)."""
    metrics.ready.set(1 if holder.status == "ready" else 0)
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)
