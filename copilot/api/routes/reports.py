"""Eval and QA reports written into the data directory, for the sidebar's reports page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from copilot.api.auth import require
from copilot.api.deps import SettingsDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.errors import NotFound

router = APIRouter(prefix="/v1", tags=["reports"], dependencies=[require("qa")])
REPORT_NAME = r"^[A-Za-z0-9_.-]{1,120}\.html$"


class ReportFile(BaseModel):
    name: str
    size: int
    modified: datetime


@router.get("/reports", response_model=list[ReportFile], responses=ERROR_RESPONSES)
def list_reports(settings: SettingsDep) -> list[ReportFile]:
    """HTML reports in the data directory's `reports/`, newest first."""
    folder = settings.paths.reports_dir
    files = [p for p in folder.glob("*.html") if p.is_file()] if folder.is_dir() else []
    files.sort(key=lambda p: -p.stat().st_mtime)
    return [ReportFile(name=p.name, size=p.stat().st_size, modified=datetime.fromtimestamp(p.stat().st_mtime, UTC))
            for p in files]


@router.get("/reports/{name}", response_class=HTMLResponse, responses=ERROR_RESPONSES)
def get_report(name: str, settings: SettingsDep) -> HTMLResponse:
    """One report. Names are plain file names: no path can leave the reports folder."""
    path = settings.paths.reports_dir / name
    if not re.fullmatch(REPORT_NAME, name) or not path.is_file():
        raise NotFound(f"no report {name!r}", {"name": name})
    # The reports are self-contained HTML without scripts; the sandboxing CSP keeps it so if one ever had any.
    return HTMLResponse(path.read_text(encoding="utf-8"), headers={"Content-Security-Policy": "sandbox"})
