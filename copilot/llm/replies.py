"""What a model-written reply is held to beyond the draft checker (rules in knowledge/replies.yaml):

- **claims**: an action stated as done or promised, a remedy, an amount, a duration or a moment must be
  supported by the text the reply was given (the transcript, the standard's phrasings, the cited passages);
- **form**: role prefixes and wrapping quotes are stripped, the length is checked per channel;
- **others' data**: a reply must not go along with a request for another person's personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from copilot.check.lexicon import inside_any
from copilot.errors import KnowledgeInvalid
from copilot.text.clauses import SENTENCE_END, clauses
from copilot.text.normalize import match_key, to_simplified
from copilot.text.numbers import DIGITS, LARGE_UNITS, NUMBER, leading_value, number_value

# fact: a clause the fact reader (copilot/llm/facts.py) says states a fact about the case
ClaimKind = Literal["done", "promise", "remedy", "number", "moment", "cause", "finding", "fact"]
DECIMAL = re.compile(r"(?<=[0-9])[.](?=[0-9])")
THOUSANDS = re.compile(r"(?<=[0-9])[,，](?=[0-9]{3}(?![0-9]))")  # 2,150 is 2150
PLACEHOLDER = re.compile(r"\[[^\[\]]{1,12}\]")  # [电话1]: the redaction's placeholders are not numbers
NEGATION_REACH = 3  # characters before a marker or action in which a negation cancels the claim
ACTION_REACH = 4  # a marker after its action (处理完毕, 修好了) may hold the action's last characters
# Done actions are supported by text saying they happened: a done marker, or 了/过 after the action.
PERFECTIVE = ("了", "过")
SCHEDULING = ("clock", "workday", "hour", "minute")  # number kinds that set when something will happen
BEHALF_REACH = 3  # characters between 已/已经 and 帮您 (已经都帮您…)
BARE_MIN = 10  # a bare number in the support (138的月租) backs the same value with a unit from this size on
# A figure with no unit (满200减30, 2600积分, an account read back): its digits, spaces and dashes between them kept.
FIGURE = re.compile(r"[0-9](?:[0-9 \-]*[0-9])?")
FIGURE_MIN_DIGITS = 2  # a lone digit is an ordinal or a count (第2个, 1个问题), not a fact to back
# A result complement after a done or on-behalf marker states the action finished (帮您约好了, 已经开好).
RESULTS = ("好了", "完了", "妥了")
# After 已/已经 a bare 好 is finished too (已经开好); after 帮您 it may be ahead (帮您查好).
DONE_RESULTS = (*RESULTS, "好")
COUNTING_AFTER_HAO = frozenset("几多些久")  # 好几, 好多, 好些, 好久: a count, not a result
SPOKEN_DIGITS = str.maketrans("零〇幺一二三四五六七八九", "001123456789")  # digits read out one by one
RESULT_REACH = 5  # characters between the marker and the complement
CHAIN_REACH = 4  # characters from one remedy to the next in a list of them (退款和十倍赔偿)
DECLINE_REACH = 8  # characters between a remedy and the words declining it (赔偿这块我暂时无法直接答应)
REFUSAL_REACH = 4  # characters between a refusing word and what it refuses (没办法当场答应)
PERCENT = re.compile(r"百分之([0-9零〇一二两三四五六七八九十百.．]+)")  # 百分之五 is 5%
CLOCK = re.compile(r"(?<![0-9])([0-9]{1,2})[:：]([0-9]{2})(?![0-9])")  # 9:30 is 9点30分, not the figure 30
# full-width digits, and the numerals of amounts written out (叁万伍仟元 is 三万五千元)
FOLDED = str.maketrans("０１２３４５６７８９％壹贰叁肆伍陆柒捌玖拾佰仟", "0123456789%一二三四五六七八九十百千")
QUESTION = ("？", "?")
AFTER = re.compile(r"之后|以后|(?<![售前])后(?![续台期面])")  # …后 begins what came of a step (not 售后, 后续)
# What may come before the verb of the agent's own next step: a joining word, the agent, when, on whose behalf.
NEXT_STEP_LEAD = re.compile(r"(?:并且?|再次|再|也|同时|然后|随后|稍后)?(?:我们|我这边|我|这边)?"
                            r"(?:会|将|马上|立即|立刻|尽快|这就|再次|再|先|一定|及时|如实)*(?:帮您|为您|替您)?")
WITH_WHOM = frozenset("跟和与同向")  # 跟门店核实: the step's partner comes before its verb
WITH_WHOM_REACH = 6  # characters naming the partner (门店, 安检人员, 快递公司的师傅)
SUPPOSING = ("如果", "假如", "要是", "若")
CAUSE_BACKED = 0.5  # share of a stated cause's character pairs the support must hold


class UnitSpelling(BaseModel):
    kind: str
    spellings: list[str] = Field(min_length=1)
    scale: float = 1  # 万元: the number counts in ten thousands


class ClaimWords(BaseModel):
    done_markers: list[str] = Field(min_length=1)
    will_markers: list[str] = Field(min_length=1)
    actions: list[str] = Field(min_length=1)
    in_call: list[str] = Field(default_factory=list)
    on_behalf: list[str] = Field(default_factory=list)
    noted: list[str] = Field(default_factory=list)
    negations: list[str] = Field(default_factory=list)
    remedies: list[str] = Field(default_factory=list)
    refusing: list[str] = Field(default_factory=list)
    committing: list[str] = Field(default_factory=list)
    pending: list[str] = Field(default_factory=list)
    unsettled: list[str] = Field(default_factory=list)
    records: list[str] = Field(default_factory=list)
    causes: list[str] = Field(default_factory=list)
    cause_ends: list[str] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)
    confirming_leads: list[str] = Field(default_factory=list)
    confirming_tags: list[str] = Field(default_factory=list)
    units: list[UnitSpelling] = Field(min_length=1)
    moments: list[str] = Field(default_factory=list)
    moment_guards: list[str] = Field(default_factory=list)  # a moment never begins inside one (一下: 查一下周末)


class FormWords(BaseModel):
    role_prefixes: list[str] = Field(default_factory=list)
    quotes: list[str] = Field(default_factory=list)


class OthersDataWords(BaseModel):
    who: list[str] = Field(min_length=1)
    what: list[str] = Field(min_length=1)
    refusals: list[str] = Field(default_factory=list)
    problem: str


class FactWords(BaseModel):
    function_chars: str = Field(min_length=1)  # characters that say nothing about the case (您, 的, 了, 是…)
    instruction_leads: list[str] = Field(default_factory=list)  # open a sentence of steps for the customer (请…)
    asking_leads: list[str] = Field(default_factory=list)  # …but not these (请问)
    cause_marks: list[str] = Field(default_factory=list)  # a clause holding one gives a cause: never an account


class ReplyWords(BaseModel):
    claims: ClaimWords
    facts: FactWords
    form: FormWords
    others_data: OthersDataWords


@dataclass(frozen=True)
class Quantity:
    """A number with its unit: 三个工作日 → ("3", "workday"), as written."""

    value: str  # the number read (3, 50, 0.5); a run it cannot read (两三) as written
    kind: str  # the unit's kind from knowledge/replies.yaml (money, workday, clock…)
    written: str


@dataclass(frozen=True)
class Claim:
    """One claim of a reply: the clause it is in, what kind, and the anchor that must be supported."""

    clause: str
    kind: ClaimKind
    anchor: str
    by_customer: bool = False  # a done action of the customer's own (您已经提交了申请): theirs to state
    quantity: Quantity | None = None  # for a number: its value and unit

    @property
    def needs_commitment(self) -> bool:
        """Only what the company said can back it: a promise, a remedy, or an action of the company's done."""
        return self.kind in ("promise", "remedy") or (self.kind == "done" and not self.by_customer)

    def problem(self) -> str:
        """Told to the model when it gets a second try."""
        return f"“{self.clause}”：对话和规范话术中都没有“{self.anchor}”这件事，不要自行陈述、承诺或编造数字和时间"


# Spellings of one thing, folded to one: 星期/礼拜 are 周; 俩 and 仨 hold their measure word (快俩月 is 快两个月);
# a moment said in full is its short form (今天早上 backs 今早).
SAME = (("星期天", "周日"), ("星期", "周"), ("礼拜天", "周日"), ("礼拜", "周"), ("俩", "两个"), ("仨", "三个"),
        ("今天早上", "今早"), ("今天晚上", "今晚"), ("明天早上", "明早"), ("明天晚上", "明晚"), ("昨天晚上", "昨晚"))


def _key(text: str) -> str:
    """Simplified, half-width, lower case, separators kept (clause boundaries matter), one spelling for each of
    `SAME`."""
    folded = to_simplified(text).translate(FOLDED).lower()
    for said, same in SAME:
        folded = folded.replace(said, same)
    return folded


class ReplyRules:
    def __init__(self, words: ReplyWords) -> None:
        self.words = words
        claims = words.claims
        self._done = sorted(map(_key, claims.done_markers), key=len, reverse=True)
        self._will = sorted(map(_key, claims.will_markers), key=len, reverse=True)
        self._actions = sorted(map(_key, claims.actions), key=len, reverse=True)
        self._in_call = set(map(_key, claims.in_call))
        self._behalf = [_key(p) for p in claims.on_behalf]
        self._noted = [_key(n) for n in claims.noted]
        # longest first, ties in the file's order (a set's order changes from one process to the next)
        self._moments = sorted(dict.fromkeys(map(_key, claims.moments)), key=len, reverse=True)
        self._moment_guards = [_key(g) for g in claims.moment_guards]
        units = [(_key(s), u.kind, u.scale) for u in claims.units for s in u.spellings]
        units.sort(key=lambda pair: len(pair[0]), reverse=True)
        self._units = units
        self._remedies = [(remedy, _key(remedy)) for remedy in claims.remedies]
        self._refusing = [_key(d) for d in claims.refusing]
        self._committing = [_key(d) for d in claims.committing]
        # named to wait on a check, or as still unsettled: either way not offered
        self._pending = [_key(d) for d in [*claims.pending, *claims.unsettled]]
        self._causes = sorted(map(_key, claims.causes), key=len, reverse=True)
        self._cause_ends = [_key(c) for c in claims.cause_ends]
        self._findings = sorted(map(_key, claims.findings), key=len, reverse=True)
        self._records = tuple(map(_key, claims.records))
        self._leads = [to_simplified(w).lower() for w in claims.confirming_leads]
        self._tags = tuple(to_simplified(w).lower() for w in claims.confirming_tags)
        others = words.others_data
        self._who, self._what = [_key(w) for w in others.who], [_key(w) for w in others.what]
        self._refusals = [_key(r) for r in others.refusals]

    @cached_property
    def _prefix(self) -> re.Pattern[str]:
        names = "|".join(re.escape(p) for p in sorted(self.words.form.role_prefixes, key=len, reverse=True))
        return re.compile(rf"^\s*(?:{names})\s*[:：]\s*", re.IGNORECASE)

    # --- form ---------------------------------------------------------------------------------------------

    def has_prefix(self, text: str) -> bool:
        return bool(self._prefix.match(text))

    def is_quoted(self, text: str) -> bool:
        stripped = text.strip()
        return len(stripped) >= 2 and any(stripped[0] == q[0] and stripped[-1] == q[-1] for q in self.words.form.quotes)

    def clean(self, text: str) -> str:
        """The reply without role prefixes or wrapping quotes (repeatedly: 回复：“坐席：…”)."""
        previous = None
        text = text.strip()
        while text != previous:
            previous = text
            text = self._prefix.sub("", text, count=1).strip()
            if self.is_quoted(text):
                text = text[1:-1].strip()
        return text

    # --- claims -------------------------------------------------------------------------------------------

    def next_step(self, clause: str) -> bool:
        """The agent's own next step in the call (并转交给相关部门处理, 会反馈给授课老师, 上报给驾校负责人): an action
        of the call itself, promised, not done. Its promise needs no support (`in_call`), so it states no case fact
        either. The verb opens the clause after a lead (并, 再, 我会, 马上为您…) or hands it on (上报给…, 转给…)."""
        key = _key(clause)
        if self._hits(key, self._done):
            return False
        rest = NEXT_STEP_LEAD.sub("", key, count=1)  # every part of the lead is optional: it always matches
        verb = next((a for a in self._in_call if rest.startswith(a)), None)
        if verb is None and rest[:1] in WITH_WHOM:  # 跟门店核实, 和安检人员协调: whom the step is done with, then it
            at, verb = min(((i, a) for a in self._in_call if 1 < (i := rest.find(a)) <= WITH_WHOM_REACH + 1),
                           default=(0, None))
            rest = rest[at:]
        if verb is None or AFTER.search(rest, len(verb)):  # 反馈给厂家后厂家同意了: what came of it is a fact
            return False
        return rest != key or verb.endswith("给") or rest.startswith("给", len(verb))

    def claims(self, text: str) -> list[Claim]:
        found: list[Claim] = []
        text = prepared(text)
        confirming = self.confirming(text)
        for window in clauses(text):
            key = _key(window.text)
            found += [Claim(window.text, "number", q.written, quantity=q)
                      for q in self._numbers(key) + self._figures(key)]
            found += [Claim(window.text, "moment", m) for m in self._moments_in(key)]
            if inside_any(window.start, window.end, confirming):
                continue
            ends = [e for ch in SENTENCE_END if (e := text.find(ch, window.end)) >= 0]
            end = min(ends, default=len(text))
            to_sentence_end = _key(text[window.start: end + 1])
            found += self._action_claims(window.text, key, to_sentence_end)
            found += [Claim(window.text, "cause", c) for c in self._causes_in(key, to_sentence_end)]
            found += [Claim(window.text, "finding", f) for f in self._findings_in(key, to_sentence_end)]
        return list(dict.fromkeys(found))

    def confirming(self, text: str) -> list[tuple[int, int]]:
        """The spans of `text` (as `prepared`) that put the customer's words back to be confirmed: from a lead
        (您是说, 跟您核对一下…) to the end of its sentence, when the sentence ends in a confirming question (对吗？,
        是吧？…). Such a sentence asks; it states nothing as done, found or caused (its numbers and moments are still
        compared: a wrong figure read back is still wrong)."""
        spans, start = [], 0
        for at, char in enumerate(text + "。"):
            if char not in SENTENCE_END:
                continue
            sentence = to_simplified(text[start:at]).translate(FOLDED).lower()  # one char for one: offsets hold
            asked = char in QUESTION or at == len(text)
            if asked and sentence.rstrip(" ，,").endswith(self._tags):
                lead = min((i for word in self._leads if (i := sentence.find(word)) >= 0), default=-1)
                if lead >= 0:
                    spans.append((start + lead, at))
            start = at + 1
        return spans

    def unsupported(self, text: str, support: str, commitments: str | None = None) -> list[Claim]:
        """The claims of `text` that the text the reply was given does not back. Numbers, moments and what the
        customer did may rest on all of it (`support`); promises, remedies and actions of the company stated as
        done only on `commitments`, what the company has said (the standard's text, the agent's own turns): a
        customer saying "it was refunded already" or demanding a refund makes neither true."""
        facts = _Support(self, support)
        promised = facts if commitments is None else _Support(self, commitments)
        return [claim for claim in self.claims(text)
                if not (promised if claim.needs_commitment else facts).backs(claim)]

    def _action_claims(self, clause: str, key: str, to_sentence_end: str) -> list[Claim]:
        claims = []
        for marker_at in self._hits(key, self._done):
            # 已 comes before its action (已为您退款); 完毕, 好了 after it (处理完毕)
            forward = key.startswith("已", marker_at)
            action = (self._action_near(key, marker_at, forward)
                      or _compound_action(key, marker_at, self._done)
                      or (self._on_behalf(key, marker_at) if forward else None))
            if action:
                claims.append(Claim(clause, "done", action, _by_customer(key, marker_at)))
        named = [c.anchor for c in claims]
        for verb, marker_at in self._results(key):
            if not any(verb.startswith(action) for action in named):  # 已经更新好了: the action 更新 says it
                claims.append(Claim(clause, "done", verb, _by_customer(key, marker_at)))
        for marker_at in self._hits(key, self._will):
            action = self._action_near(key, marker_at)
            if action and action not in self._in_call:
                claims.append(Claim(clause, "promise", action))
        if not claims and (self._moments_in(key) or any(q.kind in SCHEDULING for q in self._numbers(key))) \
                and not self.next_step(clause):
            # an outcome with a time ahead and no marker is a promise too (师傅明天上午九点上门); a date or an
            # amount is not (您5月20日申请的退货, 每月扣5元的业务是开通的), nor what the agent's next step looks up
            # (我帮您查一下师傅明天能不能上门)
            action = self._action_near(key, 0)
            if action and action not in self._in_call:
                claims.append(Claim(clause, "promise", action))
        for remedy, remedy_key in self._remedies:
            at = key.find(remedy_key)
            if at >= 0 and not self._negated(key, at) and not self._declined(to_sentence_end, remedy_key):
                claims.append(Claim(clause, "remedy", remedy))
        return claims

    def _declined(self, to_sentence_end: str, remedy_key: str) -> bool:
        """The remedy is named to be declined, to wait on a check, or as what is still unsettled, not offered:
        赔偿这块我暂时无法直接答应, 减免物业费我没办法当场答应, 赔偿需要先核实破损情况, 退款的事我先帮您核实,
        退款还没到您账上, 查询退款的处理进度, 查一下退款记录. The words may follow in a later clause of the sentence
        (`to_sentence_end`: the remedy's clause to the end of its sentence); a record noun follows at once."""
        at = to_sentence_end.find(remedy_key)
        if at < 0:
            return False
        end = self._chain_end(to_sentence_end, at + len(remedy_key))
        after = to_sentence_end[end: end + DECLINE_REACH + REFUSAL_REACH + 2]
        if any(0 <= after.find(p) <= DECLINE_REACH for p in self._pending) or after.startswith(self._records):
            return True
        for refusing in self._refusing:
            found = after.find(refusing)
            if 0 <= found <= DECLINE_REACH:
                rest = after[found + len(refusing): found + len(refusing) + REFUSAL_REACH + 2]
                if any(0 <= rest.find(c) <= REFUSAL_REACH for c in self._committing):
                    return True
        return False

    def _chain_end(self, text: str, end: int) -> int:
        """The end of the last remedy joined to the one ending at `end` (退款和十倍赔偿…没法承诺 refuses both)."""
        while True:
            joined = re.match(r"[和及或、跟与]|以及", text[end:])
            following = [text.find(k, end) for _, k in self._remedies]
            nearest = min((f for f in following if f > end), default=-1)
            if not joined or nearest < 0 or nearest - end > CHAIN_REACH:
                return end
            end = nearest + next(len(k) for _, k in self._remedies if text.startswith(k, nearest))

    def _findings_in(self, key: str, to_sentence_end: str) -> list[str]:
        """What a reply says was found or reported (我查到是…, 系统显示…, 快递员反馈…): nothing was looked up
        for it, so the rest of the clause must come from the conversation or the standard."""
        found = None if _asked(to_sentence_end) else _stated_after(key, self._findings)
        return [found] if found else []

    def _causes_in(self, key: str, to_sentence_end: str) -> list[str]:
        """What a reply gives as the cause of the problem: the rest of the clause after 是因为 (是因为片区光缆正在
        施工), or what comes before 导致的 (是您开通的彩铃包产生的). A cause asked about (是因为…吗？) or supposed
        (如果您是因为…) is not stated."""
        if _asked(to_sentence_end):
            return []
        cause = _stated_after(key, self._causes)
        for end in self._cause_ends if cause is None else ():
            at = key.find(end)
            before = key[key.rfind("是", 0, at) + 1: at].strip(" ，,") if at > 0 else ""
            if len(before) >= 2 and not _supposed(key[:at]):
                cause = before
                break
        return [cause] if cause else []

    def _on_behalf(self, key: str, at: int) -> str | None:
        """Whatever was done for the customer when no listed action names it: 已经帮您催过了 → 催过. Noting the
        matter down is the call itself (已经帮您记下了), not an outcome."""
        for phrase in self._behalf:
            found = key.find(phrase, at, at + BEHALF_REACH + len(phrase))
            if found >= 0:
                verb = key[found + len(phrase):].lstrip("把将")[:2]
                if len(verb) == 2 and not any(verb.startswith(n) for n in self._noted):
                    return verb
        return None

    def _results(self, key: str) -> list[tuple[str, int]]:
        """Verbs a done or on-behalf marker finishes with a result complement when no listed action names them
        (我已经帮您约好了 → 约好, 发票已经开好 → 开好). Noting the matter down is the call itself."""
        found: list[tuple[str, int]] = []
        for marker in ("已经", "已", *self._behalf):
            results = DONE_RESULTS if marker.startswith("已") else RESULTS
            for match in re.finditer(re.escape(marker), key):
                rest = key[match.end(): match.end() + RESULT_REACH + 2]
                result = next(((rest.find(r), r) for r in results if 0 < rest.find(r) <= RESULT_REACH), None)
                if result is None or self._negated(key, match.start()) or _counting(rest, *result):
                    continue
                verb = rest[: result[0]].lstrip("经都也又把将给帮为替您顺手便")[-2:]
                if verb and not any(verb.startswith(n[: len(verb)]) for n in self._noted) and verb != "很":
                    found.append((verb + result[1][0], match.start()))
        return list(dict(found).items())  # one per verb

    def _hits(self, key: str, markers: list[str]) -> list[int]:
        """Start offsets of markers in `key`, longest first, not overlapping, not negated."""
        taken: list[tuple[int, int]] = []
        for marker in markers:
            for match in re.finditer(re.escape(marker), key):
                span = match.span()
                if any(a < span[1] and span[0] < b for a, b in taken) or self._negated(key, span[0]):
                    continue
                taken.append(span)
        return sorted(a for a, _ in taken)

    def _action_near(self, key: str, at: int, forward: bool = True) -> str | None:
        """The action nearest a marker within the clause: the first after it, or the last before its end."""
        best: tuple[int, str] | None = None
        for action in self._actions:
            found = key.find(action, at) if forward else key.rfind(action, 0, at + ACTION_REACH)
            if found < 0 or self._negated(key, found):
                continue
            if best is None or (found < best[0] if forward else found > best[0]):
                best = (found, action)
        return best[1] if best else None

    def _negated(self, key: str, at: int) -> bool:
        before = key[max(0, at - NEGATION_REACH):at]
        return any(n in before for n in self.words.claims.negations)

    def _numbers(self, key: str, supporting: bool = False) -> list[Quantity]:
        """The numbers with a unit in `key`. In a reply 一点 is "a little", not one o'clock; in the text that
        supports it, it may be either (现在都一点了 backs 现在已经1点了)."""
        found = []
        for match in NUMBER.finditer(key):
            after = key[match.end():]
            unit = self._unit_at(after)
            if unit is None or (unit[1] == "clock" and match.group() == "一" and not supporting):
                continue
            if key[max(0, match.start() - 1): match.start()] == "哪":
                continue  # 改到哪一天: a question, not a day
            if all(ch in LARGE_UNITS for ch in match.group()):
                continue  # a unit with no number (万元 in 1.2万元 is read with its number); 十分钟 is ten minutes
            value = number_value(match.group())
            cents = _cents_after(after[len(unit[0]):]) if unit[0] == "块" else None
            if value is not None and cents is not None:
                value = round(value + cents / 100, 2)  # 一百三十六块五 is 136.5元, 十二块三毛五 12.35元
            shown = f"{value * unit[2]:g}" if value is not None else match.group()
            found.append(Quantity(shown, unit[1], match.group().replace("．", ".") + unit[0]))
        return found

    def _unit_at(self, text: str) -> tuple[str, str, float] | None:
        """The unit `text` starts with (longest spelling first), if any."""
        return next((u for u in self._units if text.startswith(u[0])), None)

    def _figures(self, key: str) -> list[Quantity]:
        """Figures with no unit, as digit strings: 满200减30 → 200, 30; 0571 8866 273 → 05718866273. Digits
        before 万 or 亿 count in it (预算15万左右 → 150000, which 十五万 backs)."""
        found = []
        for match in FIGURE.finditer(key):
            digits = re.sub(r"[^0-9]", "", match.group())
            after = key[match.end():]
            if len(digits) < FIGURE_MIN_DIGITS or self._unit_at(after) is not None:
                continue
            if after[:1] in LARGE_UNITS and match.group().isdigit():
                found.append(Quantity(f"{int(digits) * LARGE_UNITS[after[0]]:g}", "figure", match.group() + after[0]))
            else:
                found.append(Quantity(digits, "figure", match.group().strip()))
        return found

    def _moments_in(self, key: str) -> list[str]:
        found: list[str] = []
        for moment in self._moments:
            if moment not in key or any(moment in longer for longer in found):
                continue
            if any(not self._guarded(key, m.start()) for m in re.finditer(re.escape(moment), key)):
                found.append(moment)
        return found

    def _guarded(self, key: str, at: int) -> bool:
        """Whether `at` is inside a guard word, past its first character (the 下 of 查一下周末)."""
        return any(key.startswith(guard, start) for guard in self._moment_guards
                   for start in range(max(0, at - len(guard) + 1), at))

    # --- others' data -------------------------------------------------------------------------------------

    def hands_over_others_data(self, text: str) -> bool:
        """The reply names another person's personal data without refusing it (好的，请提供上一个客户的电话): the
        person, then the data, in one clause. Data before the person is the customer's own (对方号码填错了一位，
        转到了别人那里: the number the customer typed)."""
        for window in clauses(text):
            key = _key(window.text)
            who = min((i for w in self._who if (i := key.find(w)) >= 0), default=-1)
            if who >= 0 and any(w in key[who:] for w in self._what):
                whole = _key(text)
                return not any(r in whole for r in self._refusals)
        return False


class _Support:
    """What backs a claim: the numbers, moments and actions of the text a reply was given."""

    def __init__(self, rules: ReplyRules, support: str) -> None:
        self._rules = rules
        self._key = _key(support)
        self._match_key = match_key(support)
        windows = clauses(prepared(support))
        keys = [_key(w.text) for w in windows]
        self._numbers = {(q.value, q.kind) for key in keys for q in rules._numbers(key, supporting=True)}
        # two or more digits are no coincidence: the customer's 138 backs the reply's 138元
        self._bare = {f"{v:g}" for key in keys for m in NUMBER.finditer(key)
                      if (v := leading_value(m.group())) is not None and v >= BARE_MIN}
        self._bare |= {q.value for key in keys for q in rules._figures(key) if not q.written.isdigit()}  # 15万
        self._done = [key for key in keys if _says_done(rules, key)]
        # figures as the customer said them too: 幺八六，零零七五 backs 186 0075
        spoken = _key(support).translate(SPOKEN_DIGITS)
        self._figures = "\n".join(re.sub(r"[ ,，、\-]", "", run) for run in re.findall(r"[0-9][0-9 ,，、\-]*", spoken))

    def backs(self, claim: Claim) -> bool:
        if claim.kind == "number":
            q = claim.quantity
            if q is not None and q.kind == "figure":
                return q.value in self._figures or q.value in self._bare  # inside a digit run as said
            if q is not None and not re.fullmatch(r"[0-9.]+", q.value):
                return q.value in self._key  # a number it cannot read (六七十, a range) as the customer said it
            return q is not None and ((q.value, q.kind) in self._numbers or q.value in self._bare)
        if claim.kind == "done":
            return any(claim.anchor in key for key in self._done)
        if claim.kind in ("cause", "finding"):
            pairs = _pairs(match_key(claim.anchor))
            return not pairs or len(pairs & _pairs(self._match_key)) / len(pairs) >= CAUSE_BACKED
        return _key(claim.anchor) in self._key or match_key(claim.anchor) in self._match_key


def _asked(sentence: str) -> bool:
    return sentence.endswith(QUESTION) or "吗" in sentence


def _supposed(before: str) -> bool:
    return any(word in before for word in SUPPOSING)


def _stated_after(key: str, markers: list[str]) -> str | None:
    """The rest of the clause after the first of `markers` it holds (longest first), unless it is supposed
    (如果您是因为…) or too short to say anything."""
    for marker in markers:
        at = key.find(marker)
        rest = key[at + len(marker):].strip(" ，,。！？!?：:") if at >= 0 else ""
        if len(rest) >= 2 and not _supposed(key[:at]):
            return rest
    return None


def _cents_after(text: str) -> int | None:
    """The cents said after 块: 块五 (50), 块三毛五 (35), 块三毛 (30); None when another number follows."""
    first = _digit(text[:1])
    if first is None:
        return None
    follows = text[1:2]
    if follows in ("毛", "角"):
        return first * 10 + (_digit(text[2:3]) or 0)
    if follows and (follows.isdigit() or follows in DIGITS or follows in "十百千万"):
        return None
    return first * 10


def _digit(char: str) -> int | None:
    if len(char) == 1 and char.isdigit():
        return int(char)
    return DIGITS.get(char)


def _pairs(text: str) -> set[str]:
    return {text[i: i + 2] for i in range(len(text) - 1)}


def _says_done(rules: ReplyRules, key: str) -> bool:
    return bool(rules._hits(key, rules._done)) or any(
        key.find(p, key.find(a)) > key.find(a) >= 0 for a in rules._actions for p in PERFECTIVE
    )


def prepared(text: str) -> str:
    """Placeholders out ([电话1] is not a number); a decimal point kept inside its number (the clause splitter
    would cut 1.2万元 at the point), and a thousands separator taken out of it (2,150 is 2150)."""
    text = THOUSANDS.sub("", PERCENT.sub(lambda m: f"{m[1]}%", text))
    text = CLOCK.sub(lambda m: f"{m[1]}点" + ("半" if m[2] == "30" else "" if m[2] == "00" else f"{m[2]}分"), text)
    return DECIMAL.sub("．", PLACEHOLDER.sub("", text))


def _by_customer(key: str, marker_at: int) -> bool:
    """您 right before the marker, as its subject (您已经提交了; not 已为您, 您的退款已…)."""
    at = key.rfind("您", max(0, marker_at - 2), marker_at)
    return at >= 0 and (at == 0 or key[at - 1] not in "为给帮替向跟和与") and not key.startswith("的", at + 1)


def _counting(rest: str, at: int, result: str) -> bool:
    """A bare 好 that counts (好几位, 好多次, 好些天, 好久) finishes nothing: 已经有好几位…摔倒 names no action."""
    return result == "好" and rest[at + 1: at + 2] in COUNTING_AFTER_HAO


def _compound_action(key: str, at: int, markers: list[str]) -> str | None:
    """A done marker that names its action (已退, 已到账): the marker without 已."""
    marker = next((m for m in markers if key.startswith(m, at)), "")
    action = marker.removeprefix("已")
    return action if marker.startswith("已") and action and action not in ("经", "为", "帮", "给", "替", "将",
                                                                           "把", "在") else None


def load_reply_rules(path: Path) -> ReplyRules:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return ReplyRules(ReplyWords.model_validate(raw))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeInvalid(f"{path.name}: {exc}", {"file": str(path)}) from exc
