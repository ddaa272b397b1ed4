"""HTTP API (FastAPI). Build it with `create_app(settings)`."""

from copilot.api.app import create_app

__all__ = ["create_app"]
