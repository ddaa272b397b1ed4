"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import copilot
from copilot.api.errors import install_error_handlers
from copilot.api.routes import check, health, scenarios, suggest
from copilot.api.state import RuntimeHolder
from copilot.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the knowledge index loads in the background once the server starts."""
    settings = settings or Settings()
    holder = RuntimeHolder(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        holder.start()
        yield

    app = FastAPI(
        title="Agent Copilot (坐席助手)",
        version=copilot.__version__,
        description="Cited phrasings from the service standards for call-centre and chat agents.",
        lifespan=lifespan,
    )
    app.state.holder = holder
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(suggest.router)
    app.include_router(check.router)
    app.include_router(scenarios.router)
    return app
