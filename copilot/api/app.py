"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import copilot
from copilot.api.auth import Authenticator
from copilot.api.errors import install_error_handlers
from copilot.api.middleware import RequestMiddleware
from copilot.api.routes import (
    chat,
    check,
    feedback,
    health,
    knowledge,
    metrics,
    qa,
    reports,
    scenarios,
    sessions,
    suggest,
    web,
)
from copilot.api.sockets import LiveSockets
from copilot.api.state import RuntimeHolder
from copilot.errors import ConfigurationInvalid
from copilot.feedback.store import open_feedback
from copilot.observability.metrics import Metrics
from copilot.settings import Settings, production_problems
from copilot.state.registry import open_state


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the knowledge index loads in the background once the server starts.

    In production (`environment: production`) settings that would expose the service, such as auth off or
    placeholder secrets, stop it here, before it listens."""
    settings = settings or Settings()
    if settings.environment == "production" and (problems := production_problems(settings)):
        raise ConfigurationInvalid("refusing to start in production: " + "; ".join(problems), {"problems": problems})
    holder = RuntimeHolder(settings)
    state = open_state(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        holder.start()
        probe = None
        if settings.llm.mode != "none" and settings.llm.probe_on_start:
            probe = asyncio.create_task(holder.probe_llm())
        yield
        if probe is not None:
            probe.cancel()
        holder.stop()
        await state.aclose()

    app = FastAPI(
        title="Agent Copilot (坐席助手)",
        version=copilot.__version__,
        description="Cited phrasings from the service standards for call-centre and chat agents.",
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.state.metrics = Metrics()
    app.state.authenticator = Authenticator(settings, state.rate_storage)
    app.state.shared = state
    app.state.sessions = state.sessions
    app.state.live_hub = state.hub
    app.state.sockets = LiveSockets()
    app.state.feedback = open_feedback(settings)
    app.add_middleware(RequestMiddleware, metrics=app.state.metrics,
                       max_body_bytes=settings.limits.max_body_bytes,
                       max_upload_bytes=settings.limits.max_upload_bytes)
    install_error_handlers(app)
    for module in (health, metrics, suggest, check, scenarios, knowledge, sessions, chat, feedback, qa, reports,
                   web):
        app.include_router(module.router)
    web.mount_static(app)
    return app
