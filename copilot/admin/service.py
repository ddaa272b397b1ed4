"""Change the knowledge (documents, rulebook files), re-index into a new version, switch only if it validates."""

from __future__ import annotations

import re
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from copilot.admin.proposals import ProposalStore
from copilot.admin.reindex import build_version, drop_collection
from copilot.admin.review import Action, ProposalEdit, approve_all, decide, merge
from copilot.admin.versions import VersionInfo, VersionStore
from copilot.errors import CopilotError, InvalidInput, NotFound, ReindexFailed
from copilot.extract.cues import Cues, load_cues
from copilot.extract.extractor import extract
from copilot.extract.models import Proposal, ProposalStatus
from copilot.extract.rulebook import rulebook_file_name, rulebook_yaml
from copilot.index.store import ChromaClient
from copilot.ingest.clean import clean_text, document_title
from copilot.ingest.passages import split_passages
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


class UploadReport(ReindexReport):
    proposals: int = Field(description="Rulebook entries read from the document (GET /v1/knowledge/proposals).")
    approved: int = Field(description="Of them, approved: in the document's rulebook file and acting now.")
    extraction: str = Field(description="What the extractor found, in a sentence.")


class ReviewReport(BaseModel):
    proposals: list[Proposal]
    reindex: ReindexReport | None = Field(description="The new version, when the decision changed the rulebook.")


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
        self._proposals = ProposalStore(client, settings.vector_store.collection_prefix)

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
    def put_document(self, doc_id: str, filename: str, data: bytes, *, approve: bool = False) -> UploadReport:
        """Store the cleaned document and what the extractor reads in it (pending review, or all approved)."""
        doc_id = _document_id(doc_id)
        text = _document_text(filename, data)
        proposals = merge(self.extract(doc_id, text), self._proposals.of(doc_id))
        proposals = approve_all(proposals) if approve else proposals
        rulebook = rulebook_yaml(doc_id, proposals, self._cues())

        def edit(files: dict[str, str]) -> None:
            files[f"sources/{doc_id}.txt"] = text
            _put_or_remove(files, rulebook_file_name(doc_id), rulebook)

        report = self._change(edit, f"put document {doc_id} ({filename})")
        self._proposals.replace(doc_id, proposals)
        approved = sum(p.status == "approved" for p in proposals)
        return UploadReport(**report.model_dump(), proposals=len(proposals), approved=approved,
                            extraction=_extraction_note(filename, proposals))

    def extract(self, doc_id: str, text: str) -> list[Proposal]:
        """Proposals for a cleaned text, categorised by the serving checker's model."""
        serving, _ = self._current()
        passages = split_passages(doc_id, document_title(text, doc_id), text)
        return extract(doc_id, text, passages, self._cues(), serving.check.model if serving else None)

    def delete_document(self, doc_id: str) -> ReindexReport:
        """Remove a document with its rulebook entries and proposals."""
        path = f"sources/{_document_id(doc_id)}.txt"
        if path not in self.files():
            raise NotFound(f"no document {doc_id!r}", {"document": doc_id})

        def edit(files: dict[str, str]) -> None:
            _remove(files, path)
            files.pop(rulebook_file_name(doc_id), None)

        report = self._change(edit, f"delete document {doc_id}")
        self._proposals.delete(doc_id)
        return report

    # -- review ----------------------------------------------------------------------------------------------
    def proposals(self, document: str | None = None, status: ProposalStatus | None = None) -> list[Proposal]:
        return self._proposals.of(document, status)

    def review(self, proposal_id: str, action: Action, edit: ProposalEdit | None = None) -> ReviewReport:
        """Approve, reject or edit one proposal; the document's rulebook file follows (a new version) if needed."""
        document = proposal_id.split(":", 1)[0]
        proposals = self._proposals.of(document)
        target = next((p for p in proposals if p.id == proposal_id), None)
        if target is None:
            raise NotFound(f"no proposal {proposal_id!r}", {"proposal": proposal_id})
        changed = decide(target, action, edit)
        report = self._apply(document, proposals, [changed if p.id == proposal_id else p for p in proposals],
                             f"{action} {proposal_id}")
        return ReviewReport(proposals=[changed], reindex=report)

    def approve_document(self, document: str) -> ReviewReport:
        """Approve every pending proposal of a document in one change."""
        proposals = self._proposals.of(document)
        if not proposals:
            raise NotFound(f"no proposals for {document!r}", {"document": document})
        approved = approve_all(proposals)
        report = self._apply(document, proposals, approved, f"approve all of {document}")
        return ReviewReport(proposals=approved, reindex=report)

    def _apply(self, document: str, before: list[Proposal], after: list[Proposal], note: str) -> ReindexReport | None:
        cues = self._cues()
        old, new = rulebook_yaml(document, before, cues), rulebook_yaml(document, after, cues)
        report = None
        if old != new:
            report = self._change(lambda files: _put_or_remove(files, rulebook_file_name(document), new), note)
        self._proposals.replace(document, after)
        return report

    def _cues(self) -> Cues:
        return load_cues(self._settings.paths.extraction_path)

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


def _put_or_remove(files: dict[str, str], path: str, content: str | None) -> None:
    if content is None:
        files.pop(path, None)
    else:
        files[path] = content


def _extraction_note(filename: str, proposals: list[Proposal]) -> str:
    if not proposals:
        return f"no forbidden phrasings, √/× pairs or required wording found in {filename}"
    counts = {kind: sum(p.kind == kind for p in proposals) for kind in ("forbidden", "approved", "wording")}
    return (f"{counts['forbidden']} forbidden phrasings, {counts['approved']} approved phrasings and "
            f"{counts['wording']} required wordings found in {filename}")


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
