"""Holds the copilot while it loads in the background, so the server answers health checks at once."""

from __future__ import annotations

import logging
import threading
from typing import Literal

from copilot.errors import CopilotError, NotReady
from copilot.runtime import Copilot
from copilot.settings import Settings

log = logging.getLogger("copilot")
Status = Literal["loading", "ready", "failed"]


class RuntimeHolder:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.status: Status = "loading"
        self.error: str | None = None
        self._copilot: Copilot | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._load, name="copilot-load", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _load(self) -> None:
        try:
            self._copilot = Copilot.build(self.settings)
            self.status = "ready"
            log.info("copilot ready: %s", self._copilot.timings)
        except CopilotError as exc:
            self.error = f"{exc.message} {exc.details or ''}".strip()
            self.status = "failed"
            log.error("copilot failed to load: %s", self.error)
        except Exception as exc:  # keep serving /healthz and /readyz with the reason
            self.error = f"{type(exc).__name__}: {exc}"
            self.status = "failed"
            log.exception("copilot failed to load")

    @property
    def copilot(self) -> Copilot:
        if self._copilot is None:
            raise NotReady(
                "the knowledge index is not loaded yet" if self.status == "loading"
                else f"the knowledge index failed to load: {self.error}",
                {"status": self.status},
            )
        return self._copilot
