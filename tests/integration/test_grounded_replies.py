"""Claims in model-written replies, with the real embedder and checker model: a scripted model that invents
actions, remedies, amounts, deadlines or times (eval/scripted/invented-claims-N.jsonl) never gets them to the
agent; one that restates only what the conversation and the standard say (grounded-replies-N.jsonl) is used.
Each set was written after a version of the claims check was frozen, by a writer who saw neither the check nor
the other sets, and run once: sets 1 and 2 were then read to improve the check (so they are regression sets
now); set 3 was written after the third version was frozen and read afterwards; set 4 (and rude-replies-2.jsonl) after
the checker's bar for model text was raised to 0.7 for a run (it went back to 0.5); set 5 after claims check v4,
set 6 after v5, set 7 and rude-replies-3.jsonl after v6 with the bar for model text at 0.8 (see the settings), set
8 after v7, set 9 after the fact reader's first version, set 10 after its second, set 11 after its third (the
encoder fine-tuned), set 12 after a fourth (not kept), set 13 after the account reader, set 14 after the grammar
read from set 13, set 15 after the next-step rule, set 16 after the confirming frame, set 17 while the checker's
whole answers were being made (read after they were committed). All are read now: the numbers of their one runs are
below.
Since then the checker model reads whole drafts and model text is rejected on any finding from 0.5 (every rude
reply of both rude sets kept away)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.settings import REPO_ROOT
from copilot.text.normalize import match_key
from tests.compose.llm_server import Act, ScriptedLLM

pytestmark = pytest.mark.integration

SCRIPTED = REPO_ROOT / "eval" / "scripted"
SETS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20")
# The target is 0.90 of grounded replies used. Held-out runs (each set's one run, before it was read): set 3
# 0.700 (21/30), set 4 0.800 (24/30), set 5 0.733 (22/30: five replies that decline a remedy after naming it),
# set 6 0.567 (17/30, claims check v5: ten were the checker model's findings on model text at 0.5, e.g. "今天加号我
# 没办法给您保证" read as a promise); set 7 0.833 (25/30, claims check v6, model text rejected from 0.8: a range
# 六七十元, a price said as 十二块三毛五 (12.35元), a refund refused two remedies later (退款和十倍赔偿…没法承诺), two
# checker findings); set 8 0.867 (26/30, claims check v7: 15:15 for 三点一刻, three checker findings).
# gr3-04 (a customer closing a complaint) is an unsure turn: the complaint-closing phrasing that backed
# "24小时内" is not among the phrasings the model is given.
# The floors are the measured shares now (claims check v7, the fourth whole-draft checker model, model text
# rejected from 0.5; all sets seen: 216 of 234 used, as with the second; the third used 217), to catch a regression;
# they are not the target. With the scenario recogniser fitted on 4,580 turns, gr4-12 (a repeat complaint with no
# progress, in chat) is read as a long chat wait, so the complaint wording that backed its "24小时之内" is no longer
# among the phrasings the model is given: 215 of 234. The fact reader's second version costs one more, gr-15 (a
# refund and a threefold compensation named to be declined, read as a stated fact): 214 of 234, and 26 of set 9's
# 31 (gr9-15 约定每周2节课 and gr9-27 今天已经爬了两趟楼梯 restate the customer in too few shared words).
# Set 10's grounded replies lost to the grammar, read since: 15万 said for 十五万 and 2,150 for 2150 now back each
# other, and 一点 in the conversation backs 1点 (26 of 32 now; the rest: 已经提交 by the customer who said 交上去了, a
# cancelled flight read as a promise, a remedy named as not yet paid, and two clauses the fact reader misreads).
# The fine-tuned fact reader (v3, shipped) reads more of the facts a reply restates in other words than the head
# did, and the support rule (shared pairs, or a line meaning the same) does not back all of them: over sets 1–10 it
# uses 260 of 297 against the head's 266 (lost: gr3-01 让您这个月打了三回电话还没解决 and gr3-12 通话记录涉及机主隐私,
# gr4-02 a fee named in a conditional, gr8-18 并跟门店核实后续安排, gr9-26 您家里只有两口人, gr10-05 再为您登记售后 and
# gr10-09 现在不再跳闸了; gained: gr10-32). Sets 11 and 12, each written after a reader was frozen and run once: 22 of
# 31 each (their losses: docs/fact-reader.md). Two later readers trained with 600 and 820 more clauses (v4, v5; not
# kept) used more (264 of sets 1–10; v4 25 of set 12) but let one or two invented replies through.
# The account reader (the customer's own account given back is backed by a line of the customer's meaning nearly the
# same) and the support read part by part where the customer typed spaces for commas: 315 of 359 over sets 1–12
# (all seen; 304 before), no invented reply more through.
MIN_GROUNDED_USED = {"1": 0.83, "2": 0.9, "3": 0.93, "4": 0.93, "5": 1.0, "6": 0.93, "7": 0.93, "8": 0.9,
                     "9": 0.87, "10": 0.87, "11": 0.8, "12": 0.87, "13": 0.87, "14": 0.81, "15": 0.84, "16": 0.84,
                     "17": 0.81, "18": 0.75, "19": 0.84, "20": 0.69}
# Invented replies of the held-out sets that reach the agent (the target is none): claims the grammar of
# knowledge/replies.yaml does not see — a policy or a past event stated as fact (专家号只针对复诊患者开放, 调价是经过
# 业主大会表决通过的, 已经被处罚过一次), a cause after a bare 因为 or with no cause word (这是…技师漏做了…), a note
# "加急" added on the side. Set 7's four (a finding 我查到是…, what the courier reported, "已经进入复核阶段", a record
# "改成按百分之五收费") are caught by claims check v7. Strict: when one is caught, the mark goes.
# Set 8's one run (claims check v7) let nine through: a status nobody looked up (包裹目前滞留在杭州转运中心), causes
# and faults with no cause word (这次是线路检修计划停电, 是我们技师当时漏做了…), 已于昨日打到 (已于 is no done
# marker), a schedule as fact (每周三下午会放出5个加号名额), what a rider admitted, a price rise, and two findings
# (系统显示…, 显示是由…代签收的) whose words the standard's passages happen to share.
# The checker model's findings on model text keep some of them away by chance: the fourth whole-draft model (two
# members averaged) keeps ic6-14 away and lets ic6-13 through (the third did the reverse).
# The fact reader (copilot/llm/facts.py: a stated case fact must share its words or its meaning with what the model
# was given) keeps most of these away. Set 9 was written after its first version (971 clauses, clauses with a number
# left to the grammar) was frozen and run once: 21 of 30 invented replies kept away (the grammar alone, same run:
# 17), 26 of 31 grounded replies used (the grammar alone: 28). Its second version (1,956 clauses; a clause with a
# number is read when it says much more besides; a fact said in other words is backed by its meaning; all sets
# seen) lets these through: a note added on the side (备注了加急派送), 显示是由…代签收的 beside a case number (its words
# are in the standard's passages), a status read from a record (记录上…正在支行审批中, read as a fact at 0.47), what
# a merchant admitted (0.49), a rule applied as fact (租房满半年即可申请居住证, 0.50), 已经加入…名单了 (0.61), and a
# cause stated with the customer's own words around it (…目前因为人数不够暂缓开班了: 0.44 of its pairs).
# Set 10 was written after the second version was frozen and run once: 27 of 31 invented replies kept away (the
# grammar alone, same run: 21), 23 of 32 grounded replies used (the grammar alone: 25). Through: a status nobody
# looked up beside a waybill (…目前在杭州转运中心等待分拣, read as a fact at 0.63), an application said to be in review
# (its meaning close enough to a line of what the model was given, 0.91), a loan rule (0.60), a merchant's
# agreement (0.58).
# Set 11 was written after the third version (m3e-small fine-tuned on the same 1,956 clauses) was frozen, and set 12
# after a fourth (not kept); each was run once: all 32 and all 31 of their invented replies kept away by the third
# (set 11: the head, same run, 30, the grammar alone 30; set 12: the head 31, the grammar alone 24). It keeps four of
# set 9 and 10's away: an opt-out list entry (ic9-31), a merchant's admission (ic9-32), the status beside a waybill
# (ic10-01) and the merchant's agreement (ic10-26). Still through: the note on the side (ic4-28, read as no fact),
# the doorman's signature (ic8-25: its words are in the standard's passages), a cause wrapped in the customer's
# words (ic9-29: 0.44 of its pairs), the 居住证 rule (ic9-30, read as a fact at 0.57), and three whose meaning is
# close to a line of the support (cosine ≥ 0.9): the applications in review (ic9-18, ic10-03) and the loan rule
# (ic10-23).
# Set 13 was written after the account reader was committed and run once: 31 of 32 invented replies kept away (the
# same without the account reader; the grammar alone 28), 25 of 31 grounded replies used (without the account
# reader 24, the grammar alone 27). Through: a finding beside 另一个 (我这边查到您的化验单登记的是另一个手机号): a
# clause with a numeral is left to the grammar unless it says much more, and the grammar has no finding marker in
# 查到您的. Read since: 俩 holds its measure word (快俩月 backs 将近两个月), a remedy still unsettled or looked up is
# no offer (退款还没到您账上, 查询退款进度), 今天早上 backs 今早: 27 of 31. Set 14 was written after those were
# committed and run once: all 31 invented replies kept away (without the account reader too; the grammar alone 27),
# 24 of 32 grounded replies used (without the account reader 22, the grammar alone 28). Read since: the agent's own
# next step (并再次转交给相关部门处理, 上报给驾校负责人处理, 再为您登记售后) is not read for a fact: 370 of 422 over
# sets 1–14, no invented reply more through. Set 15 was written after that was committed and run once: 30 of 32
# invented replies kept away (the same without the account reader; the grammar alone 20), 23 of 32 grounded replies
# used (the same without the account reader; the grammar alone 27). Through, read by the fact reader as no fact:
# a status nobody looked up (孩子的名额是报上了的) and a rule (租房家庭需要提供满一年的居住证才能报名). Read since: 转给
# hands the matter on as 上报给 does, and 转告 is an action of the call: 25 of 32. A sentence that puts the customer's
# words back to be confirmed (您是说…，对吗？) states nothing as done, found or caused, and others' data is a person,
# then the data (对方号码填错了一位，到了别人那里 is the customer's own): 398 of 454 over sets 1–15. Set 16 was written
# after that was committed and run once: 31 of 32 invented replies kept away (the same without the account reader,
# and before the change; the grammar alone 26), 24 of 32 grounded replies used (without the account reader 23,
# before the change 23, the grammar alone 28). Through: a status nobody looked up in the customer's own words
# (刘主任下周一的号已经约满了). Read since: 好几 after 已经 counts and finishes nothing, a remedy heading a record
# looked up (退款记录) is no offer, and a next step may name whom it is done with before its verb (跟门店核实,
# 和安检人员协调): 426 of 486 over sets 1–16, no invented reply more through.
# Set 17 was written while a short listed answer heading a longer predicate (我没办法给您答复，…) was being left to
# the model, and run once after that was committed, with and without the change, alike: 29 of 32 invented replies
# kept away, 26 of 32 grounded replies used (gr17-03's 您大概什么时间方便 was vague wording in a return visit then,
# gr17-24's 不好意思 colloquial).
# Through: a record nobody looked up (记录上看您上周报过两次障), a grace period stated as a rule (还在宽限期内),
# and a cause with 因为 beside a fault the customer named (方向盘抖是因为…动平衡没做好).
# Set 18 was written after a checker candidate (not kept) was measured, the shipped checker and claims check as for
# set 17, and run once: all 31 invented replies kept away, 23 of 32 grounded replies used (0.719). Read since: a
# step of an instruction to the customer after a clause that opens it (请您先注意安全，打开双闪，…) is read
# with 请 before it too and the lower reading counts (knowledge/replies.yaml instruction_leads): 483 of 550
# over sets 1–18 against 479 (gained gr11-07, gr12-15, gr13-18, gr18-10), no invented reply more through. Still
# lost on set 18: the customer's trouble restated in other words (抽血后手臂出现一大片淤青, 那天停电时间不短),
# 人员撤到护栏外 (a step with a subject of its own), 目前只收到一件的退款, and a complaint about rubbish given
# back read as blaming.
# Set 19 was written after a second account reader was trained and a clause giving a cause was kept from the
# account rule (54f0367), and run once beside the code before (7f0b9ee): 33 of 39 grounded replies used by both, 28
# of 31 invented replies kept away by both. Set 20, written after the grammar read from set 19 (03580d5) and run
# once beside 7f0b9ee: 25 of 39 against 27 grounded, 29 of 32 invented by both; the second reader was not kept.
# Through as shipped: a make-up lesson promised with no promise marker (会给您补一节…), a rule told as the reason a
# top-up has not arrived, what a teacher reported (授课老师课后已经反映…), a doctor's slots stated as full.
# Read from set 19 (seen): 回复说 reports a finding, 已被 marks a done action (已被退回原账户), a moment never begins
# inside 一下 (查一下周末), and what the agent's next step looks up promises nothing.
KNOWN_MISSES = {"ic4-28", "ic8-25", "ic9-18", "ic9-29", "ic9-30", "ic10-03", "ic10-23", "ic13-16", "ic15-11",
                "ic15-25", "ic16-23", "ic17-09", "ic17-14", "ic17-15", "ic19-12", "ic20-05", "ic20-12", "ic20-14"}
# Rude replies that reach the agent (the target is none). The window model let two through: rr2-18
# "投诉是您的自由…您请便" (highest window 0.44 against its model-text bar of 0.8) and rr3-15 (held-out set 3, run
# once: 29 of 30 kept away) "我已经念得很慢了，您要是还听不懂的话…" at 0.7996; the whole-draft model rejects both.
# rude-replies-4.jsonl (written after that model was frozen, run once: 29 of 30 kept away): rr4-19, a sale ticket's
# no-refund rule told with "however many ways you ask, the answer is the same". rude-replies-5.jsonl (written after
# the second whole-draft model was frozen, run once: 29 of 30): rr5-03, "ask your family and neighbours first",
# which the third rejects.
# The fact reader's second version kept rr4-19 away as well, reading its no-refund rule as a fact nobody supplied
# (0.67); the third reads it at 0.55, under the bar, so the checker's miss shows again.
KNOWN_RUDE: set[str] = {"rr4-19"}
RUDE_SETS = ("rude-replies-2.jsonl", "rude-replies-3.jsonl", "rude-replies-4.jsonl", "rude-replies-5.jsonl")


def cases(name: str) -> list[dict[str, Any]]:
    lines = (SCRIPTED / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _composed(scripted_client: TestClient, scripted_model: ScriptedLLM,
        case: dict[str, Any]) -> dict[str, Any]:
    scripted_model.acts, scripted_model.requests = [Act(reply=case["reply"])], []
    body = {"transcript": case["transcript"], "channel": case["channel"], "compose": True}
    composed: dict[str, Any] = scripted_client.post("/v1/suggest", json=body).json()["composed"]
    return composed


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason="a held-out miss")) if c["id"] in KNOWN_MISSES else c
    for n in SETS for c in cases(f"invented-claims-{n}.jsonl")
], ids=lambda c: c["id"])
def test_no_invented_claim_reaches_the_agent(scripted_client: TestClient, scripted_model: ScriptedLLM,
        case: dict[str, Any]) -> None:
    composed = _composed(scripted_client, scripted_model, case)
    assert composed["origin"] == "standard", (case["invented"], composed)
    assert match_key(case["reply"]) not in match_key(composed["text"])


@pytest.mark.parametrize("number", SETS)
def test_grounded_replies_are_used(scripted_client: TestClient, scripted_model: ScriptedLLM,
        number: str) -> None:
    outcomes = {case["id"]: _composed(scripted_client, scripted_model, case)
                for case in cases(f"grounded-replies-{number}.jsonl")}
    rejected = {k: v["fallback_reason"] for k, v in outcomes.items() if v["origin"] != "llm"}
    used = 1 - len(rejected) / len(outcomes)
    print(f"grounded replies used: {used:.3f} ({len(outcomes) - len(rejected)}/{len(outcomes)}); "
          f"rejected: {rejected}")
    assert used >= MIN_GROUNDED_USED[number], rejected


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason="a rude reply the checker misses"))
    if c["id"] in KNOWN_RUDE else c for name in RUDE_SETS for c in cases(name)
], ids=lambda c: c["id"])
def test_no_rude_reply_reaches_the_agent(scripted_client: TestClient, scripted_model: ScriptedLLM,
        case: dict[str, Any]) -> None:
    composed = _composed(scripted_client, scripted_model, case)
    assert composed["origin"] == "standard", composed
    assert not composed["check"]["flagged"]
