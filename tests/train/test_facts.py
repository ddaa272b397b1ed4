"""The fact reader's corpus (its make-up, and that no eval text says the same) and its training (on the fake
embedder: the code path, not the shipped reader's quality)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from copilot.embedding import create_embedder
from copilot.errors import KnowledgeInvalid
from copilot.llm.facts import TunedFactReader, load_fact_reader
from copilot.settings import EmbeddingSettings, PathSettings
from copilot.text.clauses import clauses
from copilot.train.build import base_model
from copilot.train.clauses import FactClause, ReplyClause, load_clauses, load_fact_clauses
from copilot.train.config import FactsTrainConfig
from copilot.train.facts import train_facts
from copilot.train.overlap import near_duplicates
from tests.train.test_corpus import eval_texts


@pytest.fixture(scope="module")
def records() -> list[ReplyClause]:
    return load_clauses(PathSettings().claims_corpus_dir)


def test_the_corpus_holds_facts_backed_and_invented_and_clauses_that_state_none(records: list[ReplyClause]) -> None:
    labels = Counter(r.label for r in records)
    assert len(records) >= 900 and min(labels.values()) >= 0.4 * len(records), labels
    facts = [r for r in records if r.label == "fact"]
    assert all(r.supported is not None for r in facts)
    assert 0.3 <= sum(bool(r.supported) for r in facts) / len(facts) <= 0.7  # backed and invented alike
    kinds = Counter(r.kind for r in records)
    assert all(kinds[k] >= 20 for k in ("status", "cause", "action", "ask", "apology", "will-check")), kinds


def test_no_eval_text_is_a_near_duplicate_of_a_training_clause(records: list[ReplyClause]) -> None:
    """Scripted replies, drafts and transcripts, whole and clause by clause."""
    texts = eval_texts()
    suites = texts + [w.text for text in texts for w in clauses(text)]
    assert near_duplicates([r.clause for r in records], suites, threshold=0.8) == []


def test_the_account_corpus_pairs_the_customers_accounts_with_assertions_on_the_same_matters() -> None:
    records = load_fact_clauses(PathSettings().accounts_corpus_dir)
    labels = Counter(r.label for r in records)
    assert len(records) >= 600 and min(labels.values()) >= 0.4 * len(records), labels
    accounts = [r for r in records if r.label == "account"]
    assert 0.05 <= sum(not r.supported for r in accounts) / len(accounts) <= 0.35  # made-up accounts too
    shared = Counter(r.context for r in records)
    paired = [r for r in records if shared[r.context] > 1]
    assert len(paired) >= 0.5 * len(records)  # accounts and assertions answer the same conversations


def test_no_eval_text_is_a_near_duplicate_of_an_account_clause() -> None:
    texts = eval_texts()
    suites = texts + [w.text for text in texts for w in clauses(text)]
    records: list[FactClause] = load_fact_clauses(PathSettings().accounts_corpus_dir)
    assert near_duplicates([r.clause for r in records], suites, threshold=0.8) == []


def _records() -> list[ReplyClause]:
    facts = ["您的包裹滞留在转运中心", "这次停电是线路检修", "您的退款已经到账", "师傅说配件周四到店",
             "您的订单已经发货", "系统显示您已签收"]
    others = ["非常抱歉", "请您提供一下订单号", "我帮您查一下", "您说的情况我记下了", "请问还有其他问题吗",
              "如果是质量问题可以退"]
    return [ReplyClause(id=f"{label}-{i}-{n}", context="客户：怎么回事", clause=text, label=label,
                        supported=(i % 2 == 0) if label == "fact" else None,
                        kind="status" if label == "fact" else "ask")
            for label, texts in (("fact", facts), ("other", others)) for n in range(3)
            for i, text in enumerate(texts)]


def test_a_trained_reader_is_written_with_its_card_and_measured_out_of_fold(tmp_path: Path) -> None:
    embedder = create_embedder(EmbeddingSettings(mode="fake"))
    config = FactsTrainConfig(folds=3)
    trained = train_facts(_records(), embedder, tmp_path / "facts", config, fingerprint="abc")
    card = json.loads((trained.folder / "model.json").read_text(encoding="utf-8"))
    assert card["fingerprint"] == "abc" and card["embedder"] == embedder.name and card["clauses"] == 36
    metrics = json.loads((trained.folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics == trained.metrics and metrics["folds"] == 3 and metrics["facts"] == 18
    assert 0 <= metrics["accuracy"] <= 1 and set(metrics["kinds"]) == {"status", "ask"}
    assert load_fact_reader(trained.folder, embedder.name) is not None
    again = train_facts(_records(), embedder, tmp_path / "again", config)
    assert {k: v for k, v in again.metrics.items() if k != "training_seconds"} == \
        {k: v for k, v in metrics.items() if k != "training_seconds"}  # seeded


@pytest.mark.integration
def test_a_fine_tuned_reader_is_exported_measured_beside_a_head_on_its_split_and_loads(tmp_path: Path) -> None:
    """The real encoder, one short epoch: the ONNX export, its card and the validation metrics, not its quality."""
    embedder = create_embedder(EmbeddingSettings(mode="fake"))
    config = FactsTrainConfig(method="finetune", epochs=1, max_tokens=16, validation_share=0.25)
    trained = train_facts(_records(), embedder, tmp_path / "facts", config, fingerprint="abc", base=base_model())
    card = json.loads((trained.folder / "model.json").read_text(encoding="utf-8"))
    assert card["method"] == "finetune" and card["labels"] == ["other", "fact"] and card["max_tokens"] == 16
    assert {p.name for p in trained.folder.iterdir()} == {"model.json", "metrics.json", "model.onnx",
                                                          "tokenizer.json"}
    metrics = trained.metrics
    assert metrics["clauses"] == 9 and metrics["trained_on"] == 27 and metrics["method"] == "finetune"
    assert metrics["head_on_the_same_split"]["clauses"] == 9
    reader = load_fact_reader(trained.folder, embedder.name)
    assert isinstance(reader, TunedFactReader)
    read = reader.read(["您的订单已经发货", "请问还有其他问题吗"], embedder)
    assert read.shape == (2,) and ((read >= 0) & (read <= 1)).all()
    with pytest.raises(ValueError, match="base model"):
        train_facts(_records(), embedder, tmp_path / "none", config)


def test_a_clause_with_a_bad_label_is_refused_with_its_line(tmp_path: Path) -> None:
    line = {"id": "x", "context": "客户：在吗", "clause": "在的", "label": "maybe", "kind": "ack"}
    (tmp_path / "a.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeInvalid, match=r"a\.jsonl:1"):
        load_clauses(tmp_path)
