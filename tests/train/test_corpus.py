"""The checker's training corpus: its size and make-up, and that no eval suite text is a near duplicate of it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from copilot.check.model import COMPLIANT
from copilot.knowledge import Knowledge
from copilot.settings import REPO_ROOT, PathSettings
from copilot.text.clauses import windows
from copilot.train.corpus import LABELS, Utterance, load_corpus
from copilot.train.examples import examples, window_label
from copilot.train.overlap import near_duplicates

EVAL = REPO_ROOT / "eval"


@pytest.fixture(scope="module")
def corpus(knowledge: Knowledge) -> list[Utterance]:
    return load_corpus(PathSettings().checker_corpus_dir, {s.id for s in knowledge.rulebook.scenarios})


def eval_texts() -> list[str]:
    """Everything an eval suite (or dev set) says: drafts, transcripts, conversation turns, scripted replies."""
    texts: list[str] = []
    for path in sorted(EVAL.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            texts += [case[k] for k in ("draft", "question", "transcript", "reply") if isinstance(case.get(k), str)]
            turns = case.get("turns", []) + (case["transcript"] if isinstance(case.get("transcript"), list) else [])
            texts += [t["text"] for t in turns if isinstance(t, dict)]
            texts += case.get("replies", [])
    return texts


def test_corpus_size_and_make_up(corpus: list[Utterance]) -> None:
    labels = Counter(u.label for u in corpus)
    forbidden = [u for u in corpus if u.label != COMPLIANT]
    assert len(corpus) >= 3000
    assert labels[COMPLIANT] / len(corpus) >= 0.4
    assert all(labels[label] >= 150 for label in LABELS if label != COMPLIANT), labels
    assert sum("polite" in u.tags for u in forbidden) >= 400
    assert sum("brush_off" in u.tags for u in forbidden) >= 150
    assert labels["rushing"] >= 100 and sum("threat" in u.tags for u in forbidden) >= 50
    assert sum("traditional" in u.tags for u in corpus) >= 100 and sum("typo" in u.tags for u in corpus) >= 100
    assert sum("hard_negative" in u.tags for u in corpus) >= 300


def test_no_eval_text_is_a_near_duplicate_of_a_training_utterance(corpus: list[Utterance]) -> None:
    suites = eval_texts()
    assert len(suites) > 800  # the suites were read
    found = near_duplicates([u.text for u in corpus], suites, threshold=0.8)
    assert found == []


def test_near_duplicates_are_found_through_script_width_and_punctuation() -> None:
    found = near_duplicates(["我都跟您说过三遍了，您怎么还不明白"], ["我都跟您說過三遍了 您怎麼還不明白！", "请您稍等"])
    assert [(a, round(s, 1)) for a, _, s in found] == [("我都跟您说过三遍了，您怎么还不明白", 1.0)]


def test_a_window_is_labelled_by_the_span_it_overlaps() -> None:
    utterance = Utterance(id="x", text="您好先生，这个不归我们管，您去问厂家吧", label="shirking",
                          spans=["这个不归我们管，您去问厂家吧"], channel="chat", rule="out-of-scope")
    labelled = {e.text: e.label for e in examples([utterance])}
    assert labelled == {"您好先生": COMPLIANT, "这个不归我们管": "shirking", "您去问厂家吧": "shirking",
                        "您好先生，这个不归我们管": "shirking", "这个不归我们管，您去问厂家吧": "shirking"}
    compliant = Utterance(id="y", text="您好先生，这个我马上帮您查", label="compliant", channel="chat",
                          rule="hold-lookup")
    assert {window_label(w, compliant) for w in windows(compliant.text)} == {COMPLIANT}


def test_bad_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "1", "text": "不行", "label": "refusal", "spans": ["不可以"],
                                                  "channel": "chat", "rule": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"a\.jsonl:1"):
        load_corpus(tmp_path)
