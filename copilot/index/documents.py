"""What gets indexed: passages of the standards and the rulebook's scenario texts, as flat documents."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal

from copilot.ingest.sources import SourceDocument
from copilot.rulebook.models import Rulebook
from copilot.text.normalize import to_simplified

DocumentKind = Literal["passage", "example", "situation", "approved"]
# Scenarios are recognised from customer-side text; approved phrasings are agent speech and only add noise.
SCENARIO_KINDS: tuple[DocumentKind, ...] = ("example", "situation")


@dataclass(frozen=True)
class IndexDocument:
    """One retrievable text. `key` is stable (passage id, or scenario id + kind + position)."""

    key: str
    kind: DocumentKind
    text: str
    scenario_id: str = ""
    position: int = 0
    metadata: dict[str, str | int] = field(default_factory=dict)

    @property
    def simplified(self) -> str:
        return to_simplified(self.text)

    def content_hash(self, model_name: str) -> str:
        """Changes whenever the embedded text, its metadata or the model changes."""
        payload = json.dumps(
            [model_name, self.key, self.kind, self.simplified, self.scenario_id, self.metadata],
            ensure_ascii=False, sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def chroma_metadata(self) -> dict[str, str | int]:
        return {"key": self.key, "kind": self.kind, "scenario_id": self.scenario_id,
                "position": self.position, **self.metadata}


def build_index_documents(documents: dict[str, SourceDocument], rulebook: Rulebook) -> list[IndexDocument]:
    docs: list[IndexDocument] = []
    for source in documents.values():
        for passage in source.passages:
            docs.append(IndexDocument(
                passage.id, "passage", passage.text,
                metadata={"document": passage.document_id, "title": passage.document_title,
                          "section": passage.section,
                          "start": passage.start, "end": passage.end},
            ))
    for scenario in rulebook.scenarios:
        channels = ",".join(scenario.channels)
        meta: dict[str, str | int] = {"channels": channels}
        docs.append(IndexDocument(f"{scenario.id}/situation", "situation",
                                  f"{scenario.title}：{scenario.situation}", scenario.id, 0, meta))
        for i, example in enumerate(scenario.examples):
            docs.append(IndexDocument(f"{scenario.id}/example/{i}", "example", example, scenario.id, i, meta))
        for i, phrasing in enumerate(scenario.approved):
            docs.append(IndexDocument(f"{scenario.id}/approved/{i}", "approved", phrasing.text,
                                      scenario.id, i, meta))
    return docs
