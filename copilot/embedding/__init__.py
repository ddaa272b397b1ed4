"""Embedding backends behind one small interface, chosen by `settings.embedding.mode`."""

from copilot.embedding.base import Embedder
from copilot.embedding.registry import available_modes, create_embedder

__all__ = ["Embedder", "available_modes", "create_embedder"]
