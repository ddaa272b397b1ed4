"""Holds the serving copilot: loads it in the background, swaps it atomically when the knowledge version
changes (here, or on another replica sharing the Chroma server), and never serves a half-built one."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Literal

from copilot.admin.reindex import open_active
from copilot.admin.service import KnowledgeAdmin
from copilot.admin.versions import VersionStore
from copilot.errors import CopilotError, NotReady
from copilot.index.store import ChromaClient
from copilot.llm.probe import LatencyProbe, judge
from copilot.runtime import Copilot
from copilot.settings import Settings, apply_process_environment

log = logging.getLogger("copilot")
Status = Literal["loading", "ready", "failed"]
POLL_S = 0.2


class RuntimeHolder:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.status: Status = "loading"
        self.error: str | None = None
        self.version: str | None = None
        self._copilot: Copilot | None = None
        self._admin: KnowledgeAdmin | None = None
        self._store: VersionStore | None = None
        self._client: ChromaClient | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._refused: str | None = None  # a version seen active elsewhere that failed to build here
        self.llm_probe: LatencyProbe | None = None  # the model's timed first call, when one is configured

    def start(self) -> None:
        self._thread = threading.Thread(target=self._load, name="copilot-load", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Until loading has finished (ready or failed)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def swap(self, copilot: Copilot, version: str) -> None:
        # one reference assignment: requests that already hold the old copilot finish on it
        self._copilot, self.version = copilot, version
        log.info("serving knowledge version %s", version)

    def current(self) -> tuple[Copilot | None, str | None]:
        return self._copilot, self.version

    def _load(self) -> None:
        try:
            apply_process_environment(self.settings)
            copilot, self._store, self._client, version = open_active(self.settings, smoke=True)
            self.swap(copilot, version)
            self._admin = KnowledgeAdmin(self.settings, self._client, self._store, self.current, self.swap)
            self.status = "ready"
            assert self._copilot is not None
            log.info("copilot ready: %s", self._copilot.timings)
        except CopilotError as exc:
            self._fail(f"{exc.message} {exc.details or ''}".strip())
            return
        except Exception as exc:  # keep serving /healthz and /readyz with the reason
            log.exception("copilot failed to load")
            self._fail(f"{type(exc).__name__}: {exc}")
            return
        threading.Thread(target=self._follow, name="copilot-follow", daemon=True).start()

    async def probe_llm(self) -> None:
        """Time one composition once the copilot is ready and warn when the deadline does not fit it. Runs on the
        serving event loop: the model client's connection pool belongs to the loop that first used it."""
        while self.status == "loading":
            await asyncio.sleep(POLL_S)
        if self._copilot is None:
            return
        try:
            seconds = await self._copilot.compose.probe()
        except Exception:  # the probe must never take the service down
            log.exception("timing call to the model failed")
            seconds = None
        self.llm_probe = judge(seconds, self.settings.llm)
        log.info("model timing call: %s", "failed" if seconds is None else f"{seconds:.2f} s")
        for warning in self.llm_probe.warnings:
            log.warning("llm: %s", warning)

    def _fail(self, reason: str) -> None:
        self.error, self.status = reason, "failed"
        log.error("copilot failed to load: %s", reason)

    def _follow(self) -> None:
        """Pick up a version another process switched to (the pointer lives in Chroma)."""
        assert self._store is not None and self._admin is not None
        while not self._stop.wait(self.settings.knowledge_admin.poll_interval_s):
            try:
                active = self._store.active()
                if active in (None, self.version, self._refused):
                    continue
                try:
                    self._admin.follow(active)
                except Exception:  # keep serving the version we have; do not retry this one
                    self._refused = active
                    log.exception("could not switch to knowledge version %s", active)
            except Exception:  # Chroma unreachable for a moment: try again next round
                log.exception("could not read the active knowledge version")

    @property
    def copilot(self) -> Copilot:
        if self._copilot is None:
            raise NotReady(
                "the knowledge index is not loaded yet" if self.status == "loading"
                else f"the knowledge index failed to load: {self.error}",
                {"status": self.status},
            )
        return self._copilot

    @property
    def admin(self) -> KnowledgeAdmin:
        if self._admin is None:
            raise NotReady("knowledge administration is available once the index is loaded",
                           {"status": self.status})
        return self._admin
