"""Judge one scorecard item on one conversation: required wording, forbidden language, waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from copilot.check.models import Violation
from copilot.privacy.redact import mask
from copilot.qa.cues import TurnText, find, holds
from copilot.qa.models import Conversation, Evidence, ItemResult, Status
from copilot.qa.scorecard import Item, ScoredItem

CATEGORY_NAMES = {
    "rhetorical": "反问质问", "impatient": "不耐烦", "shirking": "推诿", "blaming": "指责客户", "rushing": "催促",
    "provoking": "激化矛盾", "vulgar": "粗俗骂人", "refusal": "生硬拒绝", "vague": "模糊用语", "colloquial": "口语化",
    "improper_address": "称呼不当", "unauthorised_promise": "越权承诺",
}


@dataclass
class Judged:
    """One conversation being scored: its turns, and the checker's findings on each agent turn."""

    conversation: Conversation
    violations: dict[int, list[Violation]]  # agent turn index → what the checker found

    @cached_property
    def turns(self) -> list[TurnText]:
        return [TurnText(i, t.role, t.text) for i, t in enumerate(self.conversation.turns)]

    @cached_property
    def agent(self) -> list[int]:
        return [i for i, t in enumerate(self.conversation.turns) if t.role == "agent"]

    @cached_property
    def masked(self) -> list[str]:
        return [mask(t.text) for t in self.conversation.turns]

    def evidence(self, turn: int, span: tuple[int, int], note: str | None = None) -> Evidence:
        start, end = span
        return Evidence(turn=turn, start=start, end=end, text=self.masked[turn][start:end], note=note)


@dataclass(frozen=True)
class Outcome:
    status: Status
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    detail: str = ""
    coaching: str | None = None  # the standard's wording for what was found, where it has one


def judge(scored: ScoredItem, judged: Judged) -> ItemResult:
    item = scored.item
    if item.kind == "required":
        outcome = _required(item, judged)
    elif item.kind == "forbidden":
        outcome = _forbidden(item, judged)
    else:
        outcome = _wait(item, judged)
    failed = outcome.status == "fail"
    return ItemResult(id=item.id, title=item.title, weight=item.weight, status=outcome.status, fatal=item.fatal,
                      evidence=outcome.evidence, missing=outcome.missing, detail=outcome.detail,
                      coaching=(outcome.coaching or scored.coaching) if failed else None, citation=scored.citation)


def _anchor(item: Item, judged: Judged) -> tuple[int, tuple[int, int]] | None:
    """The turn (and span) that makes the item apply: its conditions met in order, or None."""
    at, first = 0, None
    for condition in item.when:
        hit = next(((t.index, span) for t in judged.turns[at:]
                    if (span := holds(condition, t, judged.violations.get(t.index, [])))), None)
        if hit is None:
            return None
        first = first or hit
        at = hit[0]
    return first


def _window(item: Item, judged: Judged, anchor: int | None) -> list[int]:
    assert item.where is not None
    n, agent = item.where.agent_turns, judged.agent
    part = item.where.part
    if part == "opening":
        return agent[:n]
    if part == "closing":
        return agent[-n:]
    if part == "anchor":
        return [anchor] if anchor is not None and anchor in agent else []
    if part == "after":
        return [i for i in agent if anchor is not None and i > anchor][:n]
    return agent


def _required(item: Item, judged: Judged) -> Outcome:
    anchor = _anchor(item, judged) if item.when else None
    if item.when and anchor is None:
        return Outcome("n/a", detail="不适用：对话中没有出现需要它的情形。")
    echo = None
    if anchor is not None:
        start, end = anchor[1]
        echo = "".join(c for c in judged.conversation.turns[anchor[0]].text[start:end] if c.isdigit()) or None
    window = _window(item, judged, anchor[0] if anchor else None)
    evidence, missing = [], []
    for group in item.all:
        hit = next(((i, span) for i in window if (span := find(group, judged.turns[i], echo))), None)
        if hit is None:
            missing.append(group.name or "/".join(group.any[:3]))
        else:
            evidence.append(judged.evidence(hit[0], hit[1], group.name or None))
    if missing:
        assert item.where is not None  # required items have one (validated)
        where = {"opening": "开场", "closing": "结束时", "anchor": "当时", "after": "随后",
                 "anywhere": "对话中"}[item.where.part]
        return Outcome("fail", evidence, missing, f"{where}缺少：{'、'.join(missing)}。")
    return Outcome("pass", evidence, detail="已做到。")


def _matching(item: Item, violations: list[Violation]) -> list[Violation]:
    """The findings this item counts, one per span (detectors may find the same words twice)."""
    kept: dict[tuple[int, int], Violation] = {}
    for v in sorted(violations, key=lambda v: (v.start, v.start - v.end)):  # the longer of two at one start first
        if (not v.category.startswith("missing_")  # absent wording is judged by required items
                and ("any" in item.categories or v.category in item.categories)
                and (item.severity == "any" or v.severity == item.severity)
                and _placed(item, v)
                and not any(k[0] <= v.start and v.end <= k[1] for k in kept)):
            kept[(v.start, v.end)] = v
    return sorted(kept.values(), key=lambda v: v.start)


def _placed(item: Item, violation: Violation) -> bool:
    """Exact evidence, or a model finding whose offence the model places in the item's own categories: their
    share of the probability it gives the forbidden categories together (what was wrong, given that something
    was)."""
    if violation.probabilities is None or "any" in item.categories:
        return True
    offending = sum(violation.probabilities.values())
    mine = sum(violation.probabilities.get(c, 0.0) for c in item.categories)
    return offending > 0 and mine / offending >= item.model_share


def _forbidden(item: Item, judged: Judged) -> Outcome:
    found = [(i, v) for i in judged.agent for v in _matching(item, judged.violations.get(i, []))]
    if not found:
        return Outcome("pass", detail="未发现。")
    evidence = [judged.evidence(i, (v.start, v.end), f"{CATEGORY_NAMES.get(v.category, v.category)} · {v.reason}")
                for i, v in found]
    said = "、".join(dict.fromkeys(e.text for e in evidence))
    alternative = next((v.alternative for _, v in found if v.alternative), None)
    return Outcome("fail", evidence, detail=f"坐席有 {len(evidence)} 处：{said}。", coaching=alternative)


def _wait(item: Item, judged: Judged) -> Outcome:
    turns = judged.conversation.turns
    if not judged.conversation.timed:
        return Outcome("n/a", detail="不适用：对话没有时间戳。")
    assert item.max_seconds is not None
    longest, evidence = 0.0, []
    starts = [(t.index, span) for t in judged.turns
              if (span := holds(item.when[0], t, judged.violations.get(t.index, [])))]
    for index, span in starts:
        reply = next((i for i in judged.agent if i > index), None)
        if reply is None:
            continue
        began = turns[index].end if turns[index].end is not None else turns[index].start
        answered = turns[reply].start
        assert began is not None and answered is not None  # `timed` holds
        gap = answered - began
        longest = max(longest, gap)
        if gap > item.max_seconds:
            whole = (0, len(turns[index].text)) if turns[index].role == "customer" else span
            evidence.append(judged.evidence(index, whole, f"客户等待 {gap:.0f} 秒（上限 {item.max_seconds:.0f} 秒）"))
    if not starts:
        return Outcome("n/a", detail="不适用：没有需要等待的时候。")
    if evidence:
        return Outcome("fail", evidence, detail=f"{len(evidence)} 次让客户等待超过 {item.max_seconds:.0f} 秒。")
    return Outcome("pass", detail=f"最长等待 {longest:.0f} 秒。")
