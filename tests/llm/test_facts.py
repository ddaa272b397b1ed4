"""The fact reader's check on model-written replies: which clauses it judges, how support is measured, and how it
joins the claims grammar (a stub reader and the fake embedder: the code path, not the shipped reader's quality)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from copilot.embedding import create_embedder
from copilot.embedding.base import Embedder, Vectors
from copilot.llm.facts import (
    MASK,
    Accounts,
    Claims,
    FactCheck,
    FactReader,
    content_pairs,
    load_account_reader,
    load_fact_reader,
    open_claims,
    save_fact_reader,
    sentences,
)
from copilot.llm.replies import ReplyRules, load_reply_rules
from copilot.settings import EmbeddingSettings, LLMSettings, Settings
from copilot.text.normalize import match_key

FUNCTION = frozenset("您的了是")


class Marking(Embedder):
    """One dimension per word of `facts` (the first a text holds) and one for texts with none: texts with the same
    word mean the same, and the reader below reads any of those words as a stated fact."""

    name, dimension = "marking", 4

    def __init__(self, facts: tuple[str, ...]) -> None:
        self._facts = facts

    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            rows[row, next((i for i, f in enumerate(self._facts) if f in text), self.dimension - 1)] = 1.0
        return rows


READER = FactReader(np.asarray([5.0, 5.0, 5.0, -5.0], dtype=np.float32), 0.0)  # a fact at 0.993, else 0.007


@pytest.fixture(scope="module")
def rules() -> ReplyRules:
    return load_reply_rules(Settings().paths.replies_path)


def _check(rules: ReplyRules, *facts: str, threshold: float = 0.7, backed: float = 0.4,
           restated: float = 0.9) -> FactCheck:
    return FactCheck(READER, Marking(facts), rules, threshold, backed, rules.words.facts.function_chars,
                     restated=restated)


def test_content_pairs_mask_numbers_and_drop_function_characters() -> None:
    assert content_pairs("您的包裹滞留在转运中心", FUNCTION) == {"包裹", "裹滞", "滞留", "留在", "在转", "转运", "运中",
                                                          "中心"}
    assert content_pairs("扣了136元", FUNCTION) == set()  # 扣了 has 了; 136 and the pairs beside it are masked
    assert content_pairs("扣了一百三十六块五", frozenset()) == {"扣了"}
    assert content_pairs("滯留", frozenset()) == {"滞留"}  # 繁體 reads as simplified


@given(st.text(alphabet="您的了是包裹滞留12三百元，。 ABC", max_size=30))
def test_content_pairs_are_pairs_of_the_key_with_no_number_or_function_character(text: str) -> None:
    key = match_key(text)
    for pair in content_pairs(text, FUNCTION):
        assert len(pair) == 2 and MASK not in pair and not set(pair) & FUNCTION
        assert not any(ch.isdigit() for ch in pair) and pair in key


def test_a_stated_fact_the_support_does_not_hold_is_unsupported(rules: ReplyRules) -> None:
    check = _check(rules, "滞留")
    reply = "非常抱歉，您的包裹目前滞留在杭州转运中心，我帮您催一下。"
    claims = check.unsupported(reply, "客户：我的快递三天没动了")
    assert [(c.kind, c.clause) for c in claims] == [("fact", "您的包裹目前滞留在杭州转运中心")]
    assert "您的包裹目前滞留在杭州转运中心" in claims[0].problem()
    # the conversation said so: backed by its words, or in other words by its meaning
    assert check.unsupported(reply, "坐席：我查到包裹目前滞留在杭州转运中心。\n客户：那怎么办") == []
    assert check.unsupported(reply, "客户：快递一直滞留，不动") == []
    assert _check(rules, "滞留", restated=1.01).unsupported(reply, "客户：快递一直滞留，不动") != []


def test_only_sure_findings_count_and_short_clauses_with_numbers_are_left_to_the_grammar(rules: ReplyRules) -> None:
    reply = "您的包裹目前滞留在杭州转运中心"
    assert _check(rules, "滞留", threshold=0.995).unsupported(reply, "") == []
    assert _check(rules, "滞留", backed=0.0).unsupported(reply, "") == []  # nothing is below no bar
    check = _check(rules, "扣费", "冻结")
    assert [c for c, _ in check.stated("本月扣费138元，明细在账单第二页，您辛苦了")] == ["明细在账单第二页"]
    # a number with much more said besides it is read too
    long = "尾号6621的这张信用卡目前处于临时冻结状态"
    assert [c.clause for c in check.unsupported(long, "客户：我卡尾号6621，刷不了")] == [long]
    assert check.unsupported(long, "坐席：尾号6621的这张信用卡目前处于临时冻结状态。\n客户：为什么") == []


def test_claims_add_the_facts_of_clauses_the_grammar_did_not_already_claim(rules: ReplyRules) -> None:
    facts = _check(rules, "滞留", "退款")
    reply = "您的退款已经处理完毕，包裹目前滞留在转运中心。"
    found = Claims(rules, facts).unsupported(reply, "客户：退款呢？包裹呢？")
    assert [c.kind for c in found] == ["done", "fact"]
    assert [c.kind for c in Claims(rules).unsupported(reply, "客户：退款呢？包裹呢？")] == ["done"]


def test_a_reader_loads_only_for_the_embedder_it_was_trained_on(tmp_path: Path, rules: ReplyRules) -> None:
    reader = FactReader(np.arange(4, dtype=np.float32), -1.5)
    save_fact_reader(reader, tmp_path / "facts", {"embedder": "fake-4"})
    loaded = load_fact_reader(tmp_path / "facts", "fake-4")
    assert isinstance(loaded, FactReader) and loaded.bias == -1.5 and np.array_equal(loaded.weights, reader.weights)
    assert load_fact_reader(tmp_path / "facts", "st-m3e-small") is None
    assert load_fact_reader(tmp_path / "none", "fake-4") is None
    fake = create_embedder(EmbeddingSettings(mode="fake"))
    settings = LLMSettings(facts_dir=tmp_path / "facts")
    assert open_claims(rules, fake, settings).facts is None  # trained for another embedder
    assert open_claims(rules, None, settings).facts is None
    shipped = LLMSettings()
    assert open_claims(rules, fake, shipped).facts is None


class Recording:
    """A reader that reads nothing as a fact and remembers what it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def read(self, clauses: list[str], embedder: Embedder) -> np.ndarray:
        self.seen += clauses
        return np.zeros(len(clauses))


def test_the_reader_sees_each_clause_with_the_question_mark_that_ends_it(rules: ReplyRules) -> None:
    reader = Recording()
    check = FactCheck(reader, Marking(()), rules, 0.7, 0.4, rules.words.facts.function_chars)
    check.stated("您家的燃气表是不是欠费关阀了 ？燃气表就在门口，好吗?")
    assert reader.seen == ["您家的燃气表是不是欠费关阀了？", "燃气表就在门口"]


def test_the_support_is_read_line_by_line_and_clause_by_clause_without_role_prefixes() -> None:
    support = "客户：我车上周停小区里，被人划了\n坐席：请问您报警了吗？\n您好，请您提供一下车牌号"
    assert sentences(support) == ["我车上周停小区里，被人划了", "我车上周停小区里", "被人划了", "请问您报警了吗？",
                                  "请问您报警了吗", "您好，请您提供一下车牌号", "请您提供一下车牌号"]


class Theirs:
    """An account reader: a clause holding one of `accounts` is the customer's own account (0.9), any other an
    assertion (0.1)."""

    def __init__(self, *accounts: str) -> None:
        self._accounts = accounts
        self.seen: list[str] = []

    def read(self, clauses: list[str], embedder: Embedder) -> np.ndarray:
        self.seen += clauses
        return np.asarray([0.9 if any(a in c for a in self._accounts) else 0.1 for c in clauses])


def _with_accounts(rules: ReplyRules, reader: Theirs, restated: float, *facts: str) -> FactCheck:
    return FactCheck(READER, Marking(facts), rules, 0.7, 0.4, rules.words.facts.function_chars, restated=1.01,
                     accounts=Accounts(reader, 0.5, restated))


def test_the_customers_own_account_given_back_is_backed_by_what_the_customer_said(rules: ReplyRules) -> None:
    """Marking gives texts holding the same listed word the same vector (cosine 1), others orthogonal ones; the
    fact bar (restated) is out of reach, so only the account rule can back a clause."""
    reader = Theirs("两个人")
    check = _with_accounts(rules, reader, 0.82, "两个人", "估抄")
    reply = "家里只有两个人用，这个月的读数是估抄的"
    heard = "电费咋翻倍了？家里就两个人啊"
    found = check.unsupported(reply, heard, heard)
    assert [c.clause for c in found] == ["这个月的读数是估抄的"]  # an assertion keeps the fact bar
    assert reader.seen == ["家里只有两个人用"]  # no line of the customer's is near the other: it is not read
    # the same words said by the agent, or in the standard's text, are no account of the customer's
    assert len(check.unsupported(reply, heard, "")) == 2
    assert len(check.unsupported(reply, heard, "您好，请问有什么可以帮您")) == 2
    # an account needs a line of the customer's close enough in meaning
    assert len(_with_accounts(rules, Theirs("两个人"), 1.01, "两个人", "估抄").unsupported(reply, heard, heard)) == 2


def test_a_clause_that_gives_a_cause_is_never_the_customers_account(rules: ReplyRules) -> None:
    """Why something happened is the company's side to establish, even when it is about what the customer did:
    the account rule does not back it, however near a line of the customer's it is."""
    reader = Theirs("燃气表")
    check = _with_accounts(rules, reader, 0.82, "燃气表")
    heard = "燃气表我插了好几次都没反应"
    reply = "您把卡放进燃气表以后读数仍旧没有变化，这是因为燃气表电池电量不足"
    assert [c.clause for c in check.unsupported(reply, heard, heard)] == ["这是因为燃气表电池电量不足"]
    assert reader.seen == ["您把卡放进燃气表以后读数仍旧没有变化"]
    assert [c.clause for c in check.unsupported("这是由於燃氣表電池電量不足", heard, heard)] == \
        ["这是由於燃氣表電池電量不足"]  # read in simplified characters


def test_without_an_account_reader_every_stated_fact_keeps_the_fact_bar(rules: ReplyRules) -> None:
    check = FactCheck(READER, Marking(("两个人",)), rules, 0.7, 0.4, rules.words.facts.function_chars,
                      restated=1.01)
    heard = "家里就两个人啊"
    assert [c.clause for c in check.unsupported("家里只有两个人用", heard, heard)] == ["家里只有两个人用"]
    assert [c.clause for c in Claims(rules, check).unsupported("家里只有两个人用", heard, None, heard)] == \
        ["家里只有两个人用"]
    accounted = _with_accounts(rules, Theirs("两个人"), 0.82, "两个人")
    assert Claims(rules, accounted).unsupported("家里只有两个人用", heard, None, heard) == []


def test_an_account_reader_loads_only_for_its_embedder_and_only_as_an_account_reader(tmp_path: Path) -> None:
    reader = FactReader(np.arange(4, dtype=np.float32), 0.5)
    save_fact_reader(reader, tmp_path / "accounts", {"embedder": "fake-4", "labels": ["assertion", "account"]})
    assert isinstance(load_account_reader(tmp_path / "accounts", "fake-4"), FactReader)
    assert load_account_reader(tmp_path / "accounts", "st-m3e-small") is None
    assert load_account_reader(tmp_path / "none", "fake-4") is None
    with pytest.raises(ValueError, match="not of"):
        load_fact_reader(tmp_path / "accounts", "fake-4")  # a reader of another question
    save_fact_reader(reader, tmp_path / "facts", {"embedder": "fake-4"})  # a fact reader's card names no labels
    with pytest.raises(ValueError, match="not of"):
        load_account_reader(tmp_path / "facts", "fake-4")


def test_a_line_typed_with_spaces_for_commas_is_read_part_by_part() -> None:
    said = sentences("客户：电费怎么这个月三百多 我家就俩人 上个月才一百二")
    line = "电费怎么这个月三百多 我家就俩人 上个月才一百二"
    assert said == [line, "电费怎么这个月三百多", "我家就俩人", "上个月才一百二"]
    # no part shorter than a clause the checker reads
    assert sentences("客户：我的 iPhone 15 坏了") == ["我的 iPhone 15 坏了", "iPhone"]


def test_what_the_customer_did_said_in_other_verbs_is_their_account(rules: ReplyRules) -> None:
    """A done action of the customer's own (您已经…) whose verb the customer did not use: the account rule backs it
    as it backs a stated fact; a done action of the company's keeps the grammar's rule."""
    heard = "我都打了四五回电话了，网还是慢"
    reply = "您已经联系过我们了"
    assert [c.kind for c in Claims(rules).unsupported(reply, heard, "", heard)] == ["done"]
    accounted = _with_accounts(rules, Theirs("联系过"), 0.0, "联系过")  # any line is close enough
    assert Claims(rules, accounted).unsupported(reply, heard, "", heard) == []
    assert [c.kind for c in Claims(rules, accounted).unsupported(reply, heard, "", "")] == ["done"]  # nobody said it
    company = "我们已经联系过师傅了"
    assert [c.kind for c in Claims(rules, accounted).unsupported(company, heard, "", heard)] == ["done"]


def test_the_agents_own_next_step_is_not_read_for_a_fact(rules: ReplyRules) -> None:
    reader = Recording()
    check = FactCheck(reader, Marking(()), rules, 0.7, 0.4, rules.words.facts.function_chars)
    check.stated("我把情况记下来，并转交给相关部门处理，处理结果是全额退款")
    assert reader.seen == ["我把情况记下来", "处理结果是全额退款"]


def test_words_put_back_to_be_confirmed_are_not_read_for_a_fact(rules: ReplyRules) -> None:
    reader = Recording()
    check = FactCheck(reader, Marking(()), rules, 0.7, 0.4, rules.words.facts.function_chars)
    check.stated("非常理解您的担心。您是说这张卡昨晚出现两笔消费，并非您本人操作，对吗？网点那边会配合调查")
    assert reader.seen == ["非常理解您的担心", "网点那边会配合调查"]


class Imperative:
    """A reader for which a clause is a fact unless it starts with 请 (read as an instruction): the code path that
    reads a step of an instruction with the instruction's lead before it."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def read(self, clauses: list[str], embedder: Embedder) -> np.ndarray:
        self.seen += clauses
        return np.asarray([0.05 if c.startswith("请") else 0.95 for c in clauses])


def test_a_step_after_an_instruction_in_its_sentence_is_read_as_an_instruction_too(rules: ReplyRules) -> None:
    reader = Imperative()
    check = FactCheck(reader, Marking(()), rules, 0.7, 0.4, rules.words.facts.function_chars)
    read = dict(check.stated("请您先注意安全，打开双闪，在车后方放好警示牌。师傅马上就到您家楼下"))
    assert read == {"请您先注意安全": 0.05, "打开双闪": 0.05, "在车后方放好警示牌": 0.05,
                    "师傅马上就到您家楼下": 0.95}
    assert "请打开双闪" in reader.seen  # the lower of the two readings counts; a status would stay a fact


def test_a_question_or_a_sentence_with_no_lead_carries_no_instruction(rules: ReplyRules) -> None:
    check = FactCheck(Imperative(), Marking(()), rules, 0.7, 0.4, rules.words.facts.function_chars)
    assert dict(check.stated("请问您是哪天买的，快递已经到站了")) == {"请问您是哪天买的": 0.05, "快递已经到站了": 0.95}
    assert dict(check.stated("您好先生，打开双闪")) == {"您好先生": 0.95, "打开双闪": 0.95}
