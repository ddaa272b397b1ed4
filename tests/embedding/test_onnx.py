"""The ONNX backend runs the same model as sentence-transformers: same vectors, exported once, torch-free after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from copilot.embedding import create_embedder
from copilot.embedding.onnx import exported_path
from copilot.embedding.sentence_transformers import packaged_m3e_small
from copilot.settings import REPO_ROOT, EmbeddingSettings

pytestmark = pytest.mark.integration

TEXTS = ["您好，请问有什么可以帮您？", "你烦不烦啊", "這個問題我們會在二十四小時內回覆您",
         "客户反映宽带断网三天了，要求上门维修并减免当月费用。" * 3]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


def test_same_vectors_as_sentence_transformers(cache: Path) -> None:
    onnx = create_embedder(EmbeddingSettings(mode="onnx", cache_dir=cache))
    torch_backed = create_embedder(EmbeddingSettings(mode="sentence-transformers"))
    assert onnx.name == torch_backed.name and onnx.dimension == torch_backed.dimension
    a, b = onnx.embed_queries(TEXTS), torch_backed.embed_queries(TEXTS)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert float((a * b).sum(axis=1).min()) > 0.9999
    # padding in a batch must not change a text's vector
    assert np.allclose(onnx.embed_queries(TEXTS[:1])[0], a[0], atol=1e-5)


def test_exported_once_then_loaded_without_torch(cache: Path) -> None:
    path = exported_path(packaged_m3e_small(), cache)
    create_embedder(EmbeddingSettings(mode="onnx", cache_dir=cache))  # exported by the test above or now
    stamp = path.stat().st_mtime_ns
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from copilot.embedding import create_embedder\n"
        "from copilot.settings import EmbeddingSettings\n"
        f"e = create_embedder(EmbeddingSettings(mode='onnx', cache_dir=Path({str(cache)!r})))\n"
        "e.embed_query('您好')\n"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert out.stdout.strip().splitlines()[-1] == "False"
    assert path.stat().st_mtime_ns == stamp
