"""Models trained here as heads on the embedder's vectors (the scenario recogniser, the fact reader) ship with a
card naming the embedder they were trained on; vectors of another embedder mean nothing to them."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
CARD = "model.json"


def head_card(folder: Path, embedder_name: str, name: str, otherwise: str) -> dict[str, Any] | None:
    """The card of the head in `folder` if it was trained on this embedder's vectors; None (and a log line saying
    `otherwise`, what happens instead) if it was trained on another's, or None if there is none."""
    if not (folder / CARD).is_file():
        return None
    card: dict[str, Any] = json.loads((folder / CARD).read_text(encoding="utf-8"))
    if card.get("embedder") != embedder_name:
        log.info("%s in %s was trained on %s, not %s: %s", name, folder, card.get("embedder"), embedder_name,
                 otherwise)
        return None
    return card
