"""Facts a model-written reply states about the customer's case, read by a trained model, and whether the text
the reply was given backs them.

The grammar of knowledge/replies.yaml checks what it has words for: numbers, moments, actions marked as done or
promised, causes after 因为. A reply can state a case fact with none of those words — 包裹目前滞留在转运中心,
这次是线路检修计划停电, 专家号只对复诊患者开放. A trained reader (`copilot train facts`, on the reply clauses under
knowledge/training/claims/: the encoder fine-tuned and exported to ONNX, or a logistic head on the embedder's
vectors) reads each clause: does it state a status, a cause, a record, an action, a policy or a third party's
doing as fact? A clause it is sure of must share enough of its content
(character pairs; numbers are the grammar's) with the transcript and the standard's text the model was given, or
mean the same as a line of it. A second reader (`copilot train accounts`, knowledge/training/accounts/) tells the
customer's own account given back (家里只有两个人用) from what only the company's side can assert: an account may
rest on a line the customer said in other words, under the bar for any fact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from copilot.check.lexicon import inside_any
from copilot.embedding.base import Embedder, Vectors
from copilot.embedding.heads import CARD, head_card
from copilot.llm.replies import Claim, ReplyRules, prepared
from copilot.settings import LLMSettings
from copilot.text.clauses import MIN_WINDOW, SENTENCE_END, Window, clauses
from copilot.text.normalize import collapsed_key, match_key, to_simplified

WEIGHTS = "head.npz"
# Digits and numerals are masked: the grammar checks numbers against the support, so a restated fact with a
# different figure is its finding, not this one's.
NUMERAL = re.compile(r"[0-9零〇一二两三四五六七八九十百千万亿几半]+")
MASK = "#"
QUESTION_MARKS = frozenset("？?")
ROLE_PREFIX = re.compile(r"^\s*[^：:\s]{1,4}[：:]")  # 客户：, 坐席：
SPACES = re.compile(r"\s+")


ONNX = "model.onnx"
# Each reader answers one question about a clause: its classes (no, yes) in the fine-tuned model's output order.
FACTS: tuple[str, str] = ("other", "fact")
ACCOUNTS: tuple[str, str] = ("assertion", "account")
YES = 1


@dataclass(frozen=True)
class FactReader:
    """A logistic head: P(the clause states a fact about the case) = sigmoid(vector · weights + bias)."""

    weights: np.ndarray  # (dimensions,)
    bias: float

    def probabilities(self, vectors: Vectors) -> np.ndarray:
        logits = np.asarray(vectors @ self.weights + self.bias, dtype=np.float64)
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def read(self, clauses: list[str], embedder: Embedder) -> np.ndarray:
        return self.probabilities(embedder.embed_queries(clauses))


class TunedFactReader:
    """The encoder fine-tuned to answer the reader's question about a clause (ONNX, int8): it reads the clause's
    words, not only where its vector lies, so 您这张卡目前处于冻结状态 and 我先帮您查一下卡的状态 part although they
    share most of their meaning."""

    def __init__(self, folder: Path, max_tokens: int, labels: tuple[str, str] = FACTS) -> None:
        from copilot.check.model import FinetunedModel  # onnxruntime, loaded with the reader

        self._model = FinetunedModel(folder, list(labels), max_tokens)

    def read(self, clauses: list[str], embedder: Embedder) -> np.ndarray:
        probabilities, _ = self._model.predict(clauses)
        return np.asarray(probabilities[:, YES], dtype=np.float64)


class Reader(Protocol):
    def read(self, clauses: list[str], embedder: Embedder) -> np.ndarray:
        """P(states a case fact) for each clause (simplified script)."""


def save_fact_reader(reader: FactReader, folder: Path, card: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / WEIGHTS, weights=reader.weights, bias=np.asarray([reader.bias], dtype=np.float32))
    (folder / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")


def load_fact_reader(folder: Path, embedder_name: str) -> Reader | None:
    """The reader in `folder` if it was trained for this embedder (a head on its vectors, or the same encoder
    fine-tuned, whose weights carry its licence); None otherwise (replies are then held to the grammar of
    knowledge/replies.yaml alone)."""
    card: dict[str, Any] | None = head_card(folder, embedder_name, "fact reader",
                                            "the claims grammar alone checks replies")
    return None if card is None else _opened(folder, card, FACTS)


def load_account_reader(folder: Path, embedder_name: str) -> Reader | None:
    """The account reader in `folder` if it was trained for this embedder; None otherwise (a stated fact is then
    backed only by its words, or by a line of the support meaning the same)."""
    card: dict[str, Any] | None = head_card(folder, embedder_name, "account reader",
                                            "a stated fact needs its words or its meaning in the support")
    return None if card is None else _opened(folder, card, ACCOUNTS)


def _opened(folder: Path, card: dict[str, Any], question: tuple[str, str]) -> Reader:
    no, yes = card.get("labels", FACTS)
    if (no, yes) != question:
        raise ValueError(f"{folder} holds a reader of {[no, yes]}, not of {list(question)}")
    if card.get("method") == "finetune":
        return TunedFactReader(folder, int(card["max_tokens"]), question)
    with np.load(folder / WEIGHTS) as arrays:
        return FactReader(arrays["weights"].astype(np.float32), float(arrays["bias"][0]))


def sentences(support: str) -> list[str]:
    """Each line of the support without its role prefix (客户：), each clause of it, and each part of a clause
    typed with spaces for commas (电费怎么这个月三百多 我家就俩人 上个月才一百二), once."""
    found: list[str] = []
    for line in support.splitlines():
        line = ROLE_PREFIX.sub("", line).strip()
        if line:
            parts = [w.text for w in clauses(line)]
            found += [line, *parts, *(piece for part in parts for piece in _spaced(part))]
    return list(dict.fromkeys(found))


def _spaced(clause: str) -> list[str]:
    pieces = SPACES.split(clause)
    return [p for p in pieces if len(collapsed_key(p)) >= MIN_WINDOW] if len(pieces) > 1 else []


def content_pairs(text: str, function_chars: frozenset[str]) -> set[str]:
    """Neighbouring character pairs of `text` (simplified, no separators, numerals masked) that carry content:
    a pair with a function character (您, 的, 了, 是…) or a masked number says nothing about the case."""
    key = NUMERAL.sub(MASK, match_key(text))
    return {key[i: i + 2] for i in range(len(key) - 1)
            if MASK not in key[i: i + 2] and not (set(key[i: i + 2]) & function_chars)}


def _closest(cosines: np.ndarray, lines: list[str], among: list[str]) -> list[float]:
    """For each row of `cosines` (a clause against `lines`), the highest against a line of `among` (0 if none)."""
    wanted = set(among)
    columns = [j for j, line in enumerate(lines) if line in wanted]
    if not columns:
        return [0.0] * cosines.shape[0]
    return [float(v) for v in cosines[:, columns].max(axis=1)]


def _asked(text: str, end: int) -> str:
    """The question mark right after a clause (spaces between allowed), or nothing."""
    rest = text[end:].lstrip()
    return "？" if rest[:1] in QUESTION_MARKS else ""


@dataclass(frozen=True)
class Accounts:
    """The customer's own account, given back: a stated fact the account reader says at least `threshold` only the
    customer could be the source of (家里只有两个人用, 新车才跑了三百公里) is backed when a line or clause the customer
    said means nearly the same (cosine at least `restated`, under the bar for any fact): a customer's 家里就俩人
    says it in characters the reply does not share. Assertions of the company's side keep the stricter bar."""

    reader: Reader
    threshold: float
    restated: float


class FactCheck:
    """The clauses of a reply that state a case fact (the reader's probability at least `threshold`) with less
    than `backed` of their content pairs in the support."""

    def __init__(self, reader: Reader, embedder: Embedder, rules: ReplyRules, threshold: float, backed: float,
                 function_chars: str, number_content: int = 8, restated: float = 0.9, min_content: int = 2,
                 accounts: Accounts | None = None) -> None:
        self._reader = reader
        self._embedder = embedder
        self._rules = rules
        self.threshold = threshold
        self.backed = backed
        self.number_content = number_content
        self.restated = restated
        self.min_content = min_content
        self.accounts = accounts
        self._function = frozenset(match_key(function_chars))

    def stated(self, text: str) -> list[tuple[str, float]]:
        """(clause, probability it states a case fact) for every clause judged (see `_judged`) outside a sentence
        that puts the customer's words back to be confirmed (`ReplyRules.confirming`). The reader sees a clause with
        the question mark that ends it: 您家的燃气表是不是欠费关阀了 is a statement without it."""
        text = prepared(text)
        confirming = self._rules.confirming(text)  # 您是说…，对吗？ asks the customer; it states nothing
        every = clauses(text)
        steps = self._steps(text, every)
        windows = [w for w in every if self._judged(w.text) and not inside_any(w.start, w.end, confirming)]
        if not windows:
            return []
        # 打开双闪 after 请您先注意安全 is the next step of the instruction, as 请打开双闪 reads: such a clause is read
        # twice, in the same model call, and the lower reading counts
        as_steps = [i for i, w in enumerate(windows) if w.start in steps]
        lead = self._rules.words.facts.instruction_leads[0] if as_steps else ""
        texts = [w.text + _asked(text, w.end) for w in windows]
        read = self._reader.read([to_simplified(t) for t in texts + [lead + texts[i] for i in as_steps]],
                                 self._embedder)
        for i, p in zip(as_steps, read[len(windows):], strict=True):
            read[i] = min(read[i], p)
        return list(zip((w.text for w in windows), (float(p) for p in read[: len(windows)]), strict=True))

    def _steps(self, text: str, every: list[Window]) -> set[int]:
        """Where the clauses begin that come after a clause opening an instruction (请…, not 请问…), in the same
        sentence."""
        words = self._rules.words.facts
        leads, asking = tuple(words.instruction_leads), tuple(words.asking_leads)
        found: set[int] = set()
        instructing, last_end = False, 0
        for clause in every:
            if any(char in SENTENCE_END for char in text[last_end : clause.start]):
                instructing = False
            if instructing:
                found.add(clause.start)
            opening = to_simplified(clause.text)
            instructing |= opening.startswith(leads) and not opening.startswith(asking)
            last_end = clause.end
        return found

    def coverage(self, clause: str, said: set[str]) -> float:
        """Share of the clause's content pairs among `said`, the support's pairs (1.0 when it has none)."""
        pairs = content_pairs(clause, self._function)
        if not pairs:
            return 1.0
        return len(pairs & said) / len(pairs)

    def unsupported(self, text: str, support: str, heard: str = "") -> list[Claim]:
        """Stated facts whose words the support does not hold and whose meaning no line or clause of it says
        (车辆上周在小区被刮 restates 我车上周停小区里被人划了: few shared pairs, the same meaning), unless they give
        back what the customer said (`heard`, see `Accounts`)."""
        facts = [clause for clause, p in self.stated(text) if p >= self.threshold]
        if not facts:
            return []
        said_pairs = content_pairs(support, frozenset())  # once per reply: the support is the long side
        unworded = [clause for clause in facts if self.coverage(clause, said_pairs) < self.backed]
        if not unworded:
            return []
        said, told = sentences(support), sentences(heard)  # what the customer said is within the support
        lines = list(dict.fromkeys(said + told))
        cosines = self._cosines(unworded, lines)  # one embedding of the clauses and the lines serves both rules
        unbacked = [i for i, closest in enumerate(_closest(cosines, lines, said)) if closest < self.restated]
        restated = self._accounts([unworded[i] for i in unbacked], _closest(cosines[unbacked], lines, told)) \
            if told else set()
        return [Claim(unworded[i], "fact", unworded[i]) for i in unbacked if unworded[i] not in restated]

    def restated_accounts(self, clauses: list[str], heard: str) -> set[str]:
        """The clauses that give back the customer's own account, said by the customer (`heard`) in other words."""
        told = sentences(heard)
        if self.accounts is None or not clauses or not told:
            return set()
        return self._accounts(clauses, _closest(self._cosines(clauses, told), told, told))

    def _accounts(self, clauses: list[str], closest_told: list[float]) -> set[str]:
        """Of `clauses`, with the cosine of the closest line the customer said, those the account reader reads
        as the customer's own account and a line of theirs says nearly the same. A clause that gives a cause
        (`FactWords.cause_marks`) is none: why something happened is the company's side to establish."""
        if self.accounts is None:
            return set()
        accounts, causes = self.accounts, self._rules.words.facts.cause_marks
        simple = {clause: to_simplified(clause) for clause in clauses}
        near = [clause for clause, closest in zip(clauses, closest_told, strict=True)
                if closest >= accounts.restated and not any(m in simple[clause] for m in causes)]
        if not near:
            return set()
        read = accounts.reader.read([simple[c] for c in near], self._embedder)
        return {clause for clause, p in zip(near, read, strict=True) if p >= accounts.threshold}

    def _cosines(self, clauses: list[str], lines: list[str]) -> np.ndarray:
        if not clauses or not lines:
            return np.zeros((len(clauses), len(lines)), dtype=np.float32)
        return np.asarray(self._vectors(clauses) @ self._vectors(lines).T)

    def _vectors(self, texts: list[str]) -> Vectors:
        return self._embedder.embed_queries([to_simplified(t) for t in texts])

    def _judged(self, clause: str) -> bool:
        """The agent's own next step (see `ReplyRules.next_step`) states no case fact. A clause with a number the
        grammar reads is the grammar's (it compares the number by value), unless it
        says much more besides (尾号6621的卡目前处于冻结状态): at least `number_content` content pairs. A short
        restatement (月费59元 for 每月59元) has too little besides its number to measure its support by, and so
        has a clause of fewer than `min_content` content pairs (您辛苦了)."""
        if self._rules.next_step(clause):
            return False
        content = len(content_pairs(clause, self._function))
        if not any(claim.kind == "number" for claim in self._rules.claims(clause)):
            return content >= self.min_content
        return content >= self.number_content


class Claims:
    """What every claim of a model-written reply is checked by: the grammar of knowledge/replies.yaml, and the
    fact reader when one was trained on the configured embedder's vectors."""

    def __init__(self, rules: ReplyRules, facts: FactCheck | None = None) -> None:
        self.rules = rules
        self.facts = facts

    def unsupported(self, text: str, support: str, commitments: str | None = None, heard: str = "") -> list[Claim]:
        """The grammar's unsupported claims (see `ReplyRules.unsupported`), then the stated facts of the other
        clauses that `support` does not back (`heard`: what the customer said, within the support). CPU-bound when
        the reader embeds: call it off the event loop."""
        found = self.rules.unsupported(text, support, commitments)
        if self.facts is not None:
            # what the customer did, said in other verbs than theirs (您已经联系了四五次 for 打了四五回电话)
            theirs = [claim.clause for claim in found if claim.kind == "done" and claim.by_customer]
            restated = self.facts.restated_accounts(theirs, heard)
            found = [c for c in found if not (c.kind == "done" and c.by_customer and c.clause in restated)]
            claimed = {claim.clause for claim in found}
            found += [claim for claim in self.facts.unsupported(text, support, heard)
                      if claim.clause not in claimed]
        return found


def open_claims(rules: ReplyRules, embedder: Embedder | None, settings: LLMSettings) -> Claims:
    reader = load_fact_reader(settings.facts_dir, embedder.name) if embedder is not None else None
    if reader is None or embedder is None:
        return Claims(rules)
    accounts = load_account_reader(settings.accounts_dir, embedder.name)
    return Claims(rules, FactCheck(reader, embedder, rules, settings.fact_threshold, settings.fact_backed,
                                   rules.words.facts.function_chars, settings.fact_number_content,
                                   settings.fact_restated,
                                   accounts=Accounts(accounts, settings.account_threshold, settings.account_restated)
                                   if accounts is not None else None))
