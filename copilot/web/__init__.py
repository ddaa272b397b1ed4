"""The agent sidebar: static files served by the app at `/` (no build step, no CDN, no network)."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
