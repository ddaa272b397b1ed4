"""Change the knowledge (documents, rulebook files), re-index into a new version, switch only if it validates."""

from __future__ import annotations

import re
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from copilot.admin.reindex import build_version, drop_collection
from copilot.admin.versions import VersionInfo, VersionStore
from copilot.errors import CopilotError, InvalidInput, NotFound, ReindexFailed
from copilot.index.store import ChromaClient
from copilot.ingest.clean import clean_text
from copilot.ingest.readers import SUPPORTED_SUFFIXES, read_document
from copilot.runtime import Copilot
from copilot.settings import Settings

DOCUMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
RULEBOOK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
Edit = Callable[[dict[str, str]], None]


class ReindexReport(BaseModel):
    version: str
    previous: str | None
    note: str
    documents: int
    scenarios: int
    embedded: int = Field(description="Index entries embedded anew.")
    reused: int = Field(description="Index entries whose vectors came from the previous version.")
    seconds: float


class KnowledgeAdmin:
    """One change at a time per process. `current` gives the serving copilot and its version; `switch` makes a
    validated copilot the serving one (the HTTP app swaps its reference; the CLI only moves the pointer)."""

    def __init__(self, settings: Settings, client: ChromaClient, store: VersionStore,
                 current: Callable[[], tuple[Copilot | None, str | None]],
                 switch: Callable[[Copilot, str], None]) -> None:
        self._settings = settings
        self._client = client
        self._store = store
        self._current = current
        self._switch = switch
        self.lock = threading.Lock()  # also taken by a replica's poller, so the two never build at once

    # -- reading -------------------------------------------------------------------------------------------
    def versions(self) -> list[VersionInfo]:
        return self._store.versions()

    def files(self, version: str | None = None) -> dict[str, str]:
        version = version or self._store.active()
        if version is None:
            raise NotFound("no knowledge version yet")
        return self._store.files(version)

    def rulebook_file(self, name: str) -> str:
        path = f"rulebook/{_rulebook_name(name)}.yaml"
        files = self.files()
        if path not in files:
            raise NotFound(f"no rulebook file {name!r}", {"file": path})
        return files[path]

    # -- changing ------------------------------------------------------------------------------------------
    def put_document(self, doc_id: str, filename: str, data: bytes) -> ReindexReport:
        doc_id = _document_id(doc_id)
        text = _document_text(filename, data)
        return self._change(lambda files: files.__setitem__(f"sources/{doc_id}.txt", text),
                            f"put document {doc_id} ({filename})")

    def delete_document(self, doc_id: str) -> ReindexReport:
        path = f"sources/{_document_id(doc_id)}.txt"
        if path not in self.files():
            raise NotFound(f"no document {doc_id!r}", {"document": doc_id})
        return self._change(lambda files: _remove(files, path), f"delete document {doc_id}")

    def put_rulebook_file(self, name: str, content: str) -> ReindexReport:
        path = f"rulebook/{_rulebook_name(name)}.yaml"
        return self._change(lambda files: files.__setitem__(path, content), f"put {path}")

    def reload(self) -> ReindexReport:
        """Rebuild and re-validate the active version (e.g. after a model change)."""
        return self._change(lambda files: None, "reload")

    def activate(self, version: str) -> ReindexReport:
        """Switch back (or forward) to a stored version; it is rebuilt and validated like a new one."""
        self._store.describe(version)  # NotFound before any work
        return self._run(version, f"activate {version}", saved=True)

    def _change(self, edit: Edit, note: str) -> ReindexReport:
        files = dict(self.files())
        edit(files)
        version = self._store.new_version_id(files)
        self._store.save(version, files, note)
        return self._run(version, note, saved=False)

    def follow(self, version: str) -> bool:
        """Serve `version`, switched to elsewhere (another replica or the CLI), without moving the pointer.
        False when a change of this process is under way (the caller tries again later). Raises ReindexFailed."""
        if not self.lock.acquire(blocking=False):
            return False
        try:
            self._switch(self._build(version), version)
            return True
        finally:
            self.lock.release()

    def _build(self, version: str) -> Copilot:
        """Build `version` sharing the serving copilot's embedder and copying its vectors."""
        serving, _ = self._current()
        return build_version(self._settings, self._client, self._store, version,
                             embedder=serving.embedder if serving else None,
                             seed=serving.collection if serving else None)

    def _run(self, version: str, note: str, *, saved: bool) -> ReindexReport:
        with self.lock:
            started = time.perf_counter()
            _, previous = self._current()
            try:
                copilot = self._build(version)
            except ReindexFailed:
                self._discard(version, saved)
                raise
            except CopilotError as exc:  # should not happen, but never leave a half-made version behind
                self._discard(version, saved)
                raise ReindexFailed(f"version {version} failed: {exc.message}", exc.details) from exc
            self._store.activate(version)
            self._switch(copilot, version)
            self._prune(copilot.embedder.name, keep={version, previous})
            return ReindexReport(
                version=version, previous=previous, note=note, documents=len(copilot.knowledge.documents),
                scenarios=len(copilot.knowledge.rulebook.scenarios), embedded=copilot.sync_report.embedded,
                reused=len(copilot.knowledge.index_documents) - copilot.sync_report.embedded,
                seconds=round(time.perf_counter() - started, 2))

    def _discard(self, version: str, saved: bool) -> None:
        serving, _ = self._current()
        if serving is not None:
            drop_collection(self._client, self._settings, version, serving.embedder.name)
        if not saved:
            self._store.drop(version)

    def _prune(self, embedder_name: str, keep: set[str | None]) -> None:
        """Drop the collections of all but the newest `keep_versions` versions (and never the two in use)."""
        newest_first = [v.version for v in self._store.versions()]
        keep |= set(newest_first[: self._settings.knowledge_admin.keep_versions])
        for version in newest_first:
            if version not in keep:
                drop_collection(self._client, self._settings, version, embedder_name)


def _remove(files: dict[str, str], path: str) -> None:
    del files[path]


def _document_id(value: str) -> str:
    if not DOCUMENT_ID.match(value):
        raise InvalidInput("document id must be 2-63 characters of a-z, 0-9 and '-'", {"document": value})
    return value


def _rulebook_name(value: str) -> str:
    name = value.removesuffix(".yaml")
    if not RULEBOOK_NAME.match(name):
        raise InvalidInput("rulebook file name must be a-z, 0-9 and '-' (optionally .yaml)", {"file": value})
    return name


def _document_text(filename: str, data: bytes) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InvalidInput(f"unsupported document type {suffix or filename!r}; use {', '.join(SUPPORTED_SUFFIXES)}",
                           {"file": filename})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            text = clean_text(read_document(path))
        except CopilotError:
            raise
        except Exception as exc:  # a corrupt .docx, undecodable bytes
            raise InvalidInput(f"cannot read {filename}: {type(exc).__name__}", {"file": filename}) from exc
    if not text.strip():
        raise InvalidInput(f"{filename} has no text after cleaning", {"file": filename})
    return text
