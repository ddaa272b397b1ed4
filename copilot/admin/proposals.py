"""Proposals under review, kept in Chroma beside the knowledge versions (every replica sees the same ones).

Review state is not knowledge: approving writes the document's rulebook file into a new version, and only that
file acts. A proposal's id comes from its document and wording, so reading the same text again finds the same
proposals and keeps what an admin decided about them.
"""

from __future__ import annotations

from copilot.extract.models import Proposal, ProposalStatus
from copilot.index.store import ChromaClient

_NO_VECTOR = [0.0]  # looked up by metadata, never by similarity


class ProposalStore:
    def __init__(self, client: ChromaClient, prefix: str) -> None:
        self._collection = client.get_or_create_collection(name=f"{prefix}-knowledge", embedding_function=None)

    def of(self, document: str | None = None, status: ProposalStatus | None = None) -> list[Proposal]:
        conditions: list[dict[str, object]] = [{"kind": "proposal"}]
        if document:
            conditions.append({"document": document})
        if status:
            conditions.append({"status": status})
        where = conditions[0] if len(conditions) == 1 else {"$and": conditions}
        found = self._collection.get(where=where, include=["documents"])
        proposals = [Proposal.model_validate_json(d) for d in found["documents"]]
        return sorted(proposals, key=lambda p: (p.document, p.start, p.kind))

    def replace(self, document: str, proposals: list[Proposal]) -> None:
        """The document's proposals become exactly `proposals`."""
        self.delete(document)
        if proposals:
            self._collection.upsert(
                ids=[f"proposal/{p.id}" for p in proposals],
                embeddings=[_NO_VECTOR] * len(proposals),
                documents=[p.model_dump_json() for p in proposals],
                metadatas=[{"kind": "proposal", "document": document, "status": p.status} for p in proposals],
            )

    def delete(self, document: str) -> None:
        self._collection.delete(where={"$and": [{"kind": "proposal"}, {"document": document}]})
