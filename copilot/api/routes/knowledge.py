"""Knowledge administration (admin role): documents, rulebook files, versions. Every change re-indexes into a
new version and switches only when it validates; otherwise the old version keeps serving."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from copilot.admin.review import ProposalEdit
from copilot.admin.service import ReindexReport, ReviewReport, UploadReport
from copilot.api.auth import require
from copilot.api.deps import AdminDep, CopilotDep, HolderDep, MetricsDep
from copilot.api.errors import ERROR_RESPONSES
from copilot.errors import ReindexFailed
from copilot.extract.models import Proposal, ProposalStatus

Report = TypeVar("Report", bound=BaseModel)
ApproveQuery = Annotated[Literal["all"] | None, Query(
    description="`all`: approve every entry read from this upload in the same call (trusted admins); "
                "otherwise they wait for review in /v1/knowledge/proposals.")]

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"], dependencies=[require("admin")],
                   responses=ERROR_RESPONSES)


class DocumentInfo(BaseModel):
    id: str
    title: str
    characters: int
    passages: int


class VersionOut(BaseModel):
    version: str
    created: str
    note: str
    files: int
    active: bool


class RulebookFile(BaseModel):
    content: str = Field(min_length=1, max_length=2_000_000, description="The YAML text of the file.")


class KnowledgeState(BaseModel):
    version: str | None
    documents: list[DocumentInfo]
    rulebook_files: list[str]


@router.get("", response_model=KnowledgeState)
def state(copilot: CopilotDep, holder: HolderDep) -> KnowledgeState:
    """The serving version, its documents and its rulebook files."""
    docs = [DocumentInfo(id=d.id, title=d.title, characters=len(d.text), passages=len(d.passages))
            for d in copilot.knowledge.documents.values()]
    # the serving version's folder has the files already: no need to fetch the bundle from Chroma
    files = sorted(p.stem for p in copilot.settings.paths.rulebook_dir.glob("*.yaml"))
    return KnowledgeState(version=holder.version, documents=docs, rulebook_files=files)


@router.put("/documents/{doc_id}", response_model=UploadReport)
async def put_document(doc_id: str, file: Annotated[UploadFile, File(description=".txt, .md or .docx")],
                       admin: AdminDep, metrics: MetricsDep, approve: ApproveQuery = None) -> UploadReport:
    """Add or replace a document (cleaned like the shipped ones), read its forbidden lists, √/× pairs and required
    wording as proposals, re-index, switch if it validates."""
    data = await file.read()
    return await _reindex(metrics, lambda: admin.put_document(doc_id, file.filename or "upload.txt", data,
                                                              approve=approve == "all"))


@router.post("/documents", response_model=UploadReport)
async def upload_document(file: Annotated[UploadFile, File(description=".txt, .md or .docx")],
                          admin: AdminDep, metrics: MetricsDep,
                          doc_id: Annotated[str | None, Form(description="Document id; default: the file name")] = None,
                          approve: ApproveQuery = None) -> UploadReport:
    """Upload a document; its id is `doc_id` or the file name without its extension. A document with no rules
    is stored with zero proposals (the `extraction` note says so)."""
    filename = file.filename or "upload.txt"
    data = await file.read()
    doc = doc_id or filename.rsplit(".", 1)[0].lower()
    return await _reindex(metrics, lambda: admin.put_document(doc, filename, data, approve=approve == "all"))


@router.delete("/documents/{doc_id}", response_model=ReindexReport)
async def delete_document(doc_id: str, admin: AdminDep, metrics: MetricsDep) -> ReindexReport:
    """Remove a document with the entries read from it. Fails (and changes nothing) while a hand-written
    rulebook file still cites it."""
    return await _reindex(metrics, admin.delete_document, doc_id)


@router.get("/proposals", response_model=list[Proposal])
def proposals(admin: AdminDep, document: str | None = None, status: ProposalStatus | None = None) -> list[Proposal]:
    """Entries read from uploaded documents: pending review, approved (acting) or rejected."""
    return admin.proposals(document, status)


@router.post("/proposals/{proposal_id}/approve", response_model=ReviewReport)
async def approve_proposal(proposal_id: str, admin: AdminDep, metrics: MetricsDep) -> ReviewReport:
    """Approve one proposal: it is written to its document's rulebook file and acts once the version switches."""
    return await _reindex(metrics, admin.review, proposal_id, "approve")


@router.post("/proposals/{proposal_id}/reject", response_model=ReviewReport)
async def reject_proposal(proposal_id: str, admin: AdminDep, metrics: MetricsDep) -> ReviewReport:
    """Reject one proposal (an approved one stops acting)."""
    return await _reindex(metrics, admin.review, proposal_id, "reject")


@router.patch("/proposals/{proposal_id}", response_model=ReviewReport)
async def edit_proposal(proposal_id: str, body: ProposalEdit, admin: AdminDep, metrics: MetricsDep) -> ReviewReport:
    """Change the wording used, the category or the situation of one proposal; its status stays."""
    return await _reindex(metrics, admin.review, proposal_id, "edit", body)


@router.post("/documents/{doc_id}/proposals/approve", response_model=ReviewReport)
async def approve_document(doc_id: str, admin: AdminDep, metrics: MetricsDep) -> ReviewReport:
    """Approve every pending proposal of a document in one change."""
    return await _reindex(metrics, admin.approve_document, doc_id)


@router.get("/rulebook/{name}", response_model=RulebookFile)
def get_rulebook(name: str, admin: AdminDep) -> RulebookFile:
    return RulebookFile(content=admin.rulebook_file(name))


@router.put("/rulebook/{name}", response_model=ReindexReport)
async def put_rulebook(name: str, body: RulebookFile, admin: AdminDep, metrics: MetricsDep) -> ReindexReport:
    """Replace (or add) a rulebook file. Errors name the file and line; the old version keeps serving."""
    return await _reindex(metrics, admin.put_rulebook_file, name, body.content)


@router.post("/reload", response_model=ReindexReport)
async def reload(admin: AdminDep, metrics: MetricsDep) -> ReindexReport:
    """Rebuild and re-validate the serving version as a new one."""
    return await _reindex(metrics, admin.reload)


@router.get("/versions", response_model=list[VersionOut])
def versions(admin: AdminDep) -> list[VersionOut]:
    return [VersionOut(**vars(v)) for v in admin.versions()]


@router.post("/versions/{version}/activate", response_model=ReindexReport)
async def activate(version: str, admin: AdminDep, metrics: MetricsDep) -> ReindexReport:
    """Switch to a stored version (roll back), after rebuilding and validating it."""
    return await _reindex(metrics, admin.activate, version)


async def _reindex(metrics: MetricsDep, action: Callable[..., Report], *args: object) -> Report:
    try:
        report = await run_in_threadpool(action, *args)
    except ReindexFailed:
        metrics.reindex.labels("failed").inc()
        raise
    metrics.reindex.labels("switched").inc()
    return report
