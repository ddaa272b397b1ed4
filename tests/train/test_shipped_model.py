"""The shipped checker model is the one `copilot train checker` makes from the corpus and config on main."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from copilot.check.model import COMPLIANT, load_model
from copilot.knowledge import Knowledge
from copilot.llm.facts import load_account_reader, load_fact_reader
from copilot.settings import PathSettings, Settings
from copilot.suggest.matcher import load_matcher
from copilot.suggest.recogniser import load_recogniser
from copilot.train.build import (
    base_model,
    corpus_fingerprint,
    fingerprint,
    read_config,
    read_facts_config,
    read_recogniser_config,
    read_situations_config,
    recogniser_fingerprint,
)


def test_the_shipped_model_matches_the_corpus_and_config() -> None:
    """A changed corpus or config must be retrained (`copilot train checker`) before it lands."""
    card = json.loads((Settings().check.model_dir / "model.json").read_text(encoding="utf-8"))
    config = read_config(PathSettings())
    assert card["fingerprint"] == fingerprint(PathSettings(), config, base_model().name)
    assert card["config"] == config.model_dump()


def test_the_shipped_model_loads_offline_and_gives_probabilities() -> None:
    model = load_model(Settings().check.model_dir)
    probabilities, vectors = model.predict(["您好，请问有什么可以帮您", "这个我们不管，您去找厂家吧"])
    assert probabilities.shape == (2, len(model.labels)) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    assert model.labels[0] == COMPLIANT


def test_the_shipped_recogniser_matches_its_corpus_config_and_rulebook() -> None:
    """A changed corpus, config or rulebook must be retrained (`copilot train scenarios`) before it lands."""
    settings = Settings()
    card = json.loads((settings.suggest.recogniser_dir / "model.json").read_text(encoding="utf-8"))
    config = read_recogniser_config(PathSettings())
    assert card["fingerprint"] == recogniser_fingerprint(PathSettings(), config, card["embedder"])
    assert card["config"] == config.model_dump()


def test_the_shipped_recogniser_serves_the_default_embedder_and_every_scenario(knowledge: Knowledge) -> None:
    settings = Settings()
    card = json.loads((settings.suggest.recogniser_dir / "model.json").read_text(encoding="utf-8"))
    recogniser = load_recogniser(settings.suggest.recogniser_dir, card["embedder"])
    assert recogniser is not None and settings.embedding.mode == "onnx" and card["embedder"] == "st-m3e-small"
    assert set(recogniser.labels) == {s.id for s in knowledge.rulebook.scenarios}
    assert 0 < recogniser.unsure_below < 1 and recogniser.scale > 0


def test_the_shipped_model_judges_windows_in_the_context_of_the_whole_draft() -> None:
    """One call for the whole draft; a window's row is its tokens' mean, so a text judged alone (`predict`) and the
    same text as the only window of a draft agree (up to int8's batch-dependent rounding)."""
    model = load_model(Settings().check.model_dir)
    text = "这个我们不管，您去找厂家吧"
    alone, alone_vector = model.predict([text, "您好"])
    judged, judged_vector = model.judge(text, [(0, len(text)), (0, 6)])
    assert model.in_context and judged.shape == (2, len(model.labels))
    assert np.abs(alone[0] - judged[0]).max() < 0.05 and float(alone_vector[0] @ judged_vector[0]) > 0.98
    long = "您好，" + "我帮您查询一下订单的物流状态，" * 30 + "请您稍等。"
    rows, vectors = model.judge(long, [(0, 2), (len(long) - 4, len(long) - 1)])  # cut into pieces, both ends read
    assert np.allclose(rows.sum(axis=1), 1, atol=1e-3) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)


def test_the_shipped_model_averages_its_members_token_probabilities() -> None:
    """Each member read alone, then the model as shipped: its rows are the members' mean, its vectors the first's."""
    from copilot.check.token_model import TokenModel

    folder = Settings().check.model_dir
    card = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert len(card["members"]) == read_config(PathSettings()).members
    text = "这个问题我们这边处理不了，您去找厂家问问吧。"
    spans = [(0, 12), (13, len(text) - 1)]
    alone = [TokenModel(folder, card["labels"], card["max_tokens"], members=[file]).judge(text, spans)
             for file in card["members"]]
    rows, vectors = load_model(folder).judge(text, spans)
    assert np.allclose(rows, np.mean([a[0] for a in alone], axis=0), atol=1e-5)
    assert np.allclose(vectors, alone[0][1], atol=1e-5)


@pytest.mark.parametrize(("corpus_dir", "model_dir", "load", "labels"), [
    ("claims_corpus_dir", "facts_dir", load_fact_reader, ["other", "fact"]),
    ("accounts_corpus_dir", "accounts_dir", load_account_reader, ["assertion", "account"]),
], ids=["fact reader", "account reader"])
def test_a_shipped_reader_matches_its_corpus_and_config_and_serves_the_default_embedder(
        corpus_dir: str, model_dir: str, load: Callable[[Path, str], object], labels: list[str]) -> None:
    """A changed corpus or config must be retrained (`copilot train facts`, `copilot train accounts`) before it
    lands."""
    folder: Path = getattr(Settings().llm, model_dir)
    card = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    corpus: Path = getattr(PathSettings(), corpus_dir)
    config = read_facts_config(corpus)
    assert card["fingerprint"] == corpus_fingerprint(corpus, config, card["embedder"])
    assert card["config"] == config.model_dump() and card["embedder"] == "st-m3e-small"
    assert card["method"] == "finetune" and card["base_model"] == base_model().name and card["labels"] == labels
    assert load(folder, card["embedder"]) is not None


def test_the_shipped_situation_matcher_matches_its_corpus_and_config_and_serves_the_default_embedder() -> None:
    """A changed corpus or config must be retrained (`copilot train situations`) before it lands; the matcher puts
    a customer's story nearer its own situation than a neighbour of the same standard."""
    folder = Settings().suggest.situations_dir
    card = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    corpus = PathSettings().situations_corpus_dir
    config = read_situations_config(corpus)
    assert card["fingerprint"] == corpus_fingerprint(corpus, config, card["embedder"])
    assert card["config"] == config.model_dump() and card["embedder"] == "st-m3e-small"
    assert card["method"] == "finetune" and card["base_model"] == base_model().name
    matcher = load_matcher(folder, card["embedder"])
    assert matcher is not None
    turn, own, neighbour = matcher.encoder.embed_queries(
        ["我借的那几本书后天就到期了，可我人在外地出差回不去", "读者申请图书续借时", "读者咨询办理借书证押金时"])
    assert turn @ own > turn @ neighbour
    # int8 scales activations per call: each text is encoded alone, so its vector is the same beside any other
    alone = matcher.encoder.embed_queries(["我借的那几本书后天就到期了"])
    beside = matcher.encoder.embed_queries(["我借的那几本书后天就到期了", "押金" * 30])
    assert np.array_equal(alone[0], beside[0])


def test_the_shipped_account_reader_tells_the_customers_account_from_an_assertion_on_the_same_matter() -> None:
    """One customer's bill: what they told of their household, and what only the company's records can say."""
    settings = Settings()
    reader = load_account_reader(settings.llm.accounts_dir, "st-m3e-small")
    assert reader is not None
    clauses = ["您家平时就老两口在住", "您家的电表本月是估抄的"]
    read = reader.read(clauses, None)  # type: ignore[arg-type]  # it reads words, not the embedder's vectors
    assert read[0] >= settings.llm.account_threshold > read[1], read


def test_the_shipped_fact_reader_tells_a_stated_fact_from_a_question_or_an_offer_to_check() -> None:
    """The same customer's case: a status stated as fact, and the same words asked (with the question mark the
    check gives it) or as an offer to look it up."""
    reader = load_fact_reader(Settings().llm.facts_dir, "st-m3e-small")
    assert reader is not None
    clauses = ["您家的燃气表目前已经欠费关阀", "您家的燃气表是不是欠费关阀了？", "我帮您查一下燃气表有没有欠费"]
    read = reader.read(clauses, None)  # type: ignore[arg-type]  # it reads words, not the embedder's vectors
    assert read[0] >= 0.65 > max(read[1], read[2]), read
