"""`copilot knowledge extract`: proposals of one file, and the extractor against the curated rulebook on the
shipped standards (per document and pooled)."""

from __future__ import annotations

from pathlib import Path

import yaml
from rich.table import Table

from copilot.check.model import ComplianceModel, load_model
from copilot.check.rules import CheckerData
from copilot.evaluation.extract_metrics import Agreement, DocumentAgreement, agreement, curated, overall
from copilot.extract.cues import load_cues
from copilot.extract.extractor import extract
from copilot.extract.models import Proposal
from copilot.ingest.clean import clean_text, document_title
from copilot.ingest.passages import split_passages
from copilot.ingest.readers import read_document
from copilot.knowledge import load_knowledge
from copilot.settings import Settings


def shipped_model(settings: Settings) -> ComplianceModel | None:
    """The fine-tuned checker model names categories; a head model needs the embedder and is not loaded here."""
    return load_model(settings.check.model_dir) if settings.check.model == "finetuned" else None


def extract_file(settings: Settings, path: Path) -> list[Proposal]:
    text = clean_text(read_document(path))
    doc_id = path.stem.lower()
    passages = split_passages(doc_id, document_title(text, doc_id), text)
    return extract(doc_id, text, passages, load_cues(settings.paths.extraction_path), shipped_model(settings))


def seed_agreement(settings: Settings) -> list[DocumentAgreement]:
    """The extractor on every shipped standard, against the hand-curated rulebook and checker data."""
    knowledge = load_knowledge(settings.paths)
    checker = CheckerData.model_validate(yaml.safe_load(settings.paths.checker_path.read_text(encoding="utf-8")))
    cues, model = load_cues(settings.paths.extraction_path), shipped_model(settings)
    proposals = {doc_id: extract(doc_id, doc.text, doc.passages, cues, model)
                 for doc_id, doc in knowledge.documents.items()}
    return agreement(curated(knowledge.documents, knowledge.rulebook, checker), proposals)


def agreement_table(rows: list[DocumentAgreement]) -> Table:
    table = Table(title="extractor vs the curated rulebook (× forbidden, √ approved verbatim)")
    for column in ("document", "× cur", "× prop", "× R", "× P", "√ cur", "√ prop", "√ R", "√ P"):
        table.add_column(column, justify="left" if column == "document" else "right")
    for row in rows:
        table.add_row(row.document, *_cells(row.forbidden), *_cells(row.approved))
    table.add_row("all (pooled)", *_cells(overall(rows, "forbidden")), *_cells(overall(rows, "approved")))
    return table


def _cells(part: Agreement) -> list[str]:
    def rate(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    return [str(len(part.curated)), str(len(part.proposed)), rate(part.recall), rate(part.precision)]
