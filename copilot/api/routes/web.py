"""The sidebar page at `/` and its static files at `/static/` (shipped inside the package)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from copilot.web import STATIC_DIR

router = APIRouter(include_in_schema=False)


@router.get("/")
def sidebar() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
