"""Named dependencies for the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from copilot.admin.service import KnowledgeAdmin
from copilot.api.auth import Principal
from copilot.api.state import RuntimeHolder
from copilot.check.service import CheckService
from copilot.observability.metrics import Metrics
from copilot.runtime import Copilot
from copilot.sessions.hub import LiveHub
from copilot.sessions.store import SessionStore
from copilot.settings import Settings
from copilot.state.registry import SharedState


def get_holder(request: Request) -> RuntimeHolder:
    holder: RuntimeHolder = request.app.state.holder
    return holder


def get_settings(request: Request) -> Settings:
    return get_holder(request).settings


def get_copilot(request: Request) -> Copilot:
    return get_holder(request).copilot


def get_check_service(request: Request) -> CheckService:
    return get_copilot(request).check


def get_admin(request: Request) -> KnowledgeAdmin:
    return get_holder(request).admin


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_sessions(request: Request) -> SessionStore:
    sessions: SessionStore = request.app.state.sessions
    return sessions


def get_hub(request: Request) -> LiveHub:
    hub: LiveHub = request.app.state.live_hub
    return hub


def get_shared_state(request: Request) -> SharedState:
    state: SharedState = request.app.state.shared
    return state


def get_principal(request: Request) -> Principal:
    """Who is calling; set by the router's `require(role)` dependency, which runs first."""
    principal: Principal = request.state.principal
    return principal


HolderDep = Annotated[RuntimeHolder, Depends(get_holder)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CopilotDep = Annotated[Copilot, Depends(get_copilot)]
CheckServiceDep = Annotated[CheckService, Depends(get_check_service)]
AdminDep = Annotated[KnowledgeAdmin, Depends(get_admin)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
SessionsDep = Annotated[SessionStore, Depends(get_sessions)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
HubDep = Annotated[LiveHub, Depends(get_hub)]
SharedStateDep = Annotated[SharedState, Depends(get_shared_state)]
