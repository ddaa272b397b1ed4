"""The held-out trials of "bring your own standard": each folder of eval/byos/ holds a standard from another
industry and its cases, written by someone who never saw the extractor, uploaded through the real HTTP app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copilot.evaluation.suite import CheckCase, SuggestCase, load_suites
from copilot.ingest.readers import SUPPORTED_SUFFIXES
from copilot.settings import REPO_ROOT
from copilot.text.normalize import match_key
from tests.conftest import make_settings, ready_client

FOLDER = REPO_ROOT / "eval" / "byos"
TRIALS = sorted(p for p in FOLDER.iterdir() if p.is_dir())
pytestmark = pytest.mark.integration


# The cases of each committed trial that fail (the target is none), strict both ways: a new failure fails the
# test, and so does a listed case that passes (take it off the list). The water utility's first run failed 10 of
# 45; c-06, s-04, s-06, s-13 and s-15 pass since (more of its list read, suggestions that hedge across
# scenarios). Online retail returns' first run failed 21 of 47: nine forbidden items blocked citing another
# standard (its list below `…不得使用以下语言：` was not read, now mended, with the longest-phrase citation), one
# near miss blocked, eleven customer turns without its √ phrasing in the top 3 (the recogniser does not know an
# uploaded standard's situations, is unsure, and the general wording takes the first place). With the second
# checker model, byos-c-10 and rr-c-15 are blocked by the model citing a seed's rule (the nearest forbidden
# phrasing in the new model's space) instead of the upload's, and byos-c-08 now cites the upload. Since a model
# finding cites the customer's own standard where one of its rules of that category is nearly as near
# (`check.own_rule_margin`), byos-c-07, byos-c-10, rr-c-15, gas-c-07, gas-c-26 and hos-c-11 cite the upload.
# Since √ lines take their situation from the article heading above the rule paragraphs (not from a paragraph
# that merely has 时 in it, nor from the previous article's), online retail returns' rr-s-09, -10, -11, -12, -15
# and -16 pass. Since an uploaded standard's situations take a probability from their own texts
# (`suggest.own_situations`) instead of retrieval's rank score alone, rr-s-04, rr-s-06, rr-s-14, gas-s-04,
# gas-s-07, gas-s-08, gas-s-15, hos-s-16, air-s-08, air-s-12 and air-s-15 pass, and gas-s-13 and hos-s-01 (a
# shipped scenario's complaint wording now ahead of theirs) fail. Since 标准应答： marks an approved phrasing
# (the extractor had read no √ for their situation), air-s-13 and air-s-14 pass.
# With the recogniser retrained on 2,751 customer turns (more confident in the shipped scenarios), air-s-06 passes
# and air-s-12, exp-s-02, gas-s-07, ins-s-05, ins-s-06 and rr-s-04 get a shipped scenario's phrasings first.
# With the recogniser's share at 0.7 and the unsure bar at 0.2 (the shipped suites' first places), hos-s-01 and
# ins-s-15 pass, and air-s-08, air-s-15 and exp-s-06 get the shipped complaint wording first.
# With the recogniser reading the agent's last words beside the customer's turns, air-s-08, air-s-12 and
# ins-s-25 pass, and gas-s-04 and hos-s-01 get a shipped scenario's phrasings first.
# With the recogniser retrained on 3,200 turns (more confident again in the shipped scenarios), air-s-06,
# air-s-12, gas-s-01, hos-s-15 and rr-s-06 get a shipped scenario's phrasings first.
# With the recogniser fitted on 4,580 turns (cross-fitted) and its share at 0.8, air-s-06, air-s-15, exp-s-01,
# hos-s-15 and rr-s-06 pass, and exp-s-04, ins-s-15 and ins-s-25 get a shipped scenario's phrasings first (83 of
# the 134 customer turns with the upload's √ in the top 3, 81 before).
# With the checker model that reads whole drafts, byos-c-11, gas-c-10, rr-c-20, exp-c-25, exp-c-28, hos-c-14,
# hos-c-17, hos-c-18, ins-c-08, ins-c-11, ins-c-38 and ins-c-39 pass (most now cite the upload); exp-c-08, exp-c-10
# and ins-c-10 (a brush-off to the next day, "快递哪有不磕不碰的", "保险公司又不是慈善机构" inside helpful replies) pass
# unblocked, air-c-07, air-c-12 and gas-c-07 are blocked citing the call-centre manual's rule instead of the
# upload's, and hos-c-24 (a referral to the hospital's complaint line done right) is blocked. With the second
# whole-draft model (trained with long replies too), air-c-12, exp-c-08, exp-c-09, exp-c-10, gas-c-07 and ins-c-10
# pass; hos-c-17 cites the manual's rule, ins-c-08 (有意见你去投诉好了 after a polite explanation) passes unblocked,
# and ins-c-35 (an offer to chase the payment with finance, 不用您自己去跑银行) is blocked. With the third
# (trained with restated complaints, kept commitments and fluent offences too; blocking from 0.8) and the customer's
# own rules cited whatever their proposed category, ins-c-08, ins-c-09 and ins-c-35 pass; gas-c-18 (小事自己弄一下)
# cites the manual's rule, and ins-c-10 passes unblocked again.
# Since an approved upload keeps a seat among the three suggestions (`suggest.own_seats`: its likeliest situation
# by its own texts takes the place of the lowest shipped one), air-s-05, exp-s-04, gas-s-01, gas-s-03, gas-s-04,
# gas-s-07, rr-s-13 and byos-s-08 pass (91 of the 134 customer turns with the upload's √ in the top 3, 83 before).
# With the situation matcher (`copilot train situations`: m3e-small fine-tuned on 320 situations of 40 other
# industries' standards and customer turns said in them), an uploaded situation's probability comes from the
# matcher's vectors and calibration: air-s-09, air-s-12, air-s-16, card-s-02, card-s-15, card-s-16, exp-s-06,
# exp-s-16, gas-s-10, gas-s-13, hos-s-08, hos-s-14, ins-s-03, ins-s-04, ins-s-05, ins-s-14 and ins-s-15 pass, and
# air-s-05, card-s-12, exp-s-01, exp-s-10, gas-s-12, ins-s-09, prop-s-08 and rr-s-12 get another situation's or a
# shipped scenario's phrasings first (134 of the 179 customer turns of the nine trials with the upload's √ in the
# top 3, 125 before). With the case labels read and 付费 no longer taken for an advert (below), prop-s-21 and prop-s-22
# pass.
KNOWN_MISSES: dict[str, set[str]] = {
    "water-utility-standard": {"byos-c-09"},
    "online-retail-returns-standard": {"rr-s-04", "rr-s-05", "rr-s-12"},
    # Its one run (extractor as of the heading fix): two forbidden drafts blocked citing a seed's rule, two passed
    # (等着吧 and 明天再打吧 with no listed word around them), and eight customer turns got a seed scenario's
    # phrasings instead of the upload's (the recogniser knows the seeds' bill and repair scenarios, not these).
    "gas-utility-standard": {"gas-c-30", "gas-s-11", "gas-s-12", "gas-s-14"},
    # Its one run (same extractor; hos-s-04 dropped afterwards by the near-duplicate guard, a 在吗 turn): 14 of 19
    # forbidden drafts blocked citing it, 10 of 11 near misses passed, 6 of 15 customer turns with its √ phrasing
    # in the top 3 — two √ quotes with an enumeration inside (时间、地点和经过) had been cut into pieces as if they
    # were a word list; mended since.
    "hospital-service-standard": {"hos-c-10", "hos-c-16", "hos-c-17", "hos-s-01", "hos-s-03", "hos-s-07",
                                  "hos-s-13"},
    # Its one run (with the own-standard citation margin): one forbidden draft cites a seed's rule; ten customer
    # turns got the general wording and other situations' phrasings before its own.
    "airline-service-standard": {"air-c-07", "air-c-11", "air-s-03", "air-s-05", "air-s-07"},
    # Their one run (with the uploaded situations' own probability; ins-s-02 dropped before it by the
    # near-duplicate guard, a 在吗 line): 21 of 24 and 21 of 25 forbidden drafts blocked citing the upload, 12 of
    # 14 near misses passed in each, 15 of 28 and 15 of 27 customer turns with its √ phrasing in the top 3. Since
    # unquoted speech after 应说： ends at a 不应说： on the same line (two of its √ phrasings had swallowed their ×),
    # exp-c-18, exp-c-22 and exp-s-06 pass. With the fourth whole-draft checker model (two members averaged) gas-c-18
    # and hos-c-24 are blocked citing their upload, and exp-c-09 (你到底有没有在听我说话, read as compliant) and
    # ins-c-08 (有意见你去投诉好了 at 0.80, under the bar) pass.
    "express-delivery-standard": {"exp-c-09", "exp-s-01", "exp-s-02", "exp-s-05", "exp-s-07", "exp-s-08",
                                  "exp-s-11", "exp-s-12", "exp-s-18", "exp-s-19", "exp-s-26"},
    "insurance-claims-standard": {"ins-c-06", "ins-c-08", "ins-c-10", "ins-s-01", "ins-s-06", "ins-s-08", "ins-s-09",
                                  "ins-s-13", "ins-s-16", "ins-s-19", "ins-s-20", "ins-s-22"},
    # Their one run (with the upload's seat among the suggestions; prop-s-14 dropped before it by the
    # near-duplicate guard, a 在吗 line): 16 of 21 and 19 of 21 forbidden drafts blocked citing the upload (the
    # others cite the call-centre manual's rule, or pass), 11 of 11 and 10 of 11 near misses passed, 15 of 23 and 7
    # of 22 customer turns with the √ phrasing in the top 3 (the same with the seat off, run right after). Mended
    # after that run (seen): a situation's √ phrasings in the order they fit the turn (`suggest.own_phrasings_by_turn`;
    # the card standard gives most situations two, and the writer asked for the second as often as the first),
    # tables read (`| 规范用语 | 不规范用语 |`, `| 客户问题 | … | 参考话术 |`; the card standard's annual-fee and
    # instalment answers were in tables, and the header 不规范用语 had been read as a forbidden list), and 不得只说“…”
    # forbids its quote (it had been an approved phrasing): 19 of 23 and 13 of 22; exp-s-21, exp-s-22 and exp-s-25
    # pass; exp-s-19 fails: the extractor put a courier's-rudeness phrasing under the prohibited-items situation, and
    # that phrasing (快递员…不应该) now fits the turn better than the situation's own.
    # A rule's item that names the forbidden list (`（一）使用本规范…所列服务禁语的；`) no longer heads the items below
    # it: the card standard's 年费, read from a QA rule, had blocked every draft that mentions the annual fee, so
    # card-c-30 passes, and card-c-09 (你到底想怎么样, blocked) now cites the call-centre manual's rule.
    "property-service-standard": {"prop-c-10", "prop-c-14", "prop-c-15", "prop-s-02", "prop-s-08", "prop-s-12"},
    # Their one run (with the situation matcher; written after it was trained, by two writers who saw only the
    # seed standards): 19 of 19 forbidden drafts blocked citing the upload in each, 10 of 11 near misses passed in
    # each, 9 of 20 and 5 of 20 customer turns with the √ phrasing in the top 3 (without the matcher, the same code
    # right after: 9 and 3). Mended after that run (seen): a marker, then a label naming the case, then the
    # colon or the quote (正确示范（已查到）：“…”, 应说（宠物）：“…”, √ （乘客在闸机前时）“…”, √ 症状较急的：“…”):
    # most of both standards' √ phrasings had not been read. And the cleaner no longer drops a line with 付费 in
    # it as a download site's advert (the metro's 付费区, the paid area inside the gates, had lost a √ line).
    # Now 17 of 20 and 12 of 20; metro-c-07 (随便您, a variant of the listed 随便你) cites the call-centre manual.
    "metro-service-standard": {"metro-c-07", "metro-c-30", "metro-s-03", "metro-s-07", "metro-s-08"},
    "pet-hospital-standard": {"pet-c-21", "pet-s-02", "pet-s-07", "pet-s-10", "pet-s-12", "pet-s-16", "pet-s-17"},
    # The matcher then encoded each text alone (int8 vectors had depended on what shared their model call) and was
    # calibrated again on its held-out industries: exp-s-10, ins-s-25, pet-s-15 and pet-s-20 pass, air-s-03 fails
    # (168 of 219 suggest cases over the eleven trials, against 165).
    "credit-card-standard": {"card-c-09", "card-c-10", "card-c-12", "card-s-04", "card-s-06", "card-s-09", "card-s-10",
                             "card-s-11", "card-s-12", "card-s-21"},
}


@pytest.fixture
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A fresh app per trial: one trial's approved standard must not be another's starting point."""
    settings = make_settings(tmp_path_factory.mktemp("byos-trial"), embedding="onnx", store="persistent")
    with ready_client(settings, timeout=600) as test_client:
        yield test_client


def _check(client: TestClient, case: CheckCase) -> dict[str, object]:
    body = {"draft": case.draft, "channel": case.channel, "position": case.position}
    response: dict[str, object] = client.post("/v1/check", json=body).json()
    return response


def _blocking_documents(answer: dict[str, object]) -> set[str]:
    violations = answer["violations"]
    assert isinstance(violations, list)
    return {v["citation"]["document"] for v in violations if v["severity"] == "block"}


def _suggested(client: TestClient, case: SuggestCase) -> list[str]:
    body = {"transcript": case.transcript if isinstance(case.transcript, str)
            else [t.model_dump() for t in case.transcript], "top_k": case.top_k, "channel": case.channel}
    return [s["text"] for s in client.post("/v1/suggest", json=body).json()["suggestions"]]


def _hit(case: SuggestCase, texts: list[str]) -> bool:
    return any(match_key(e) in match_key(t) for t in texts[: case.top_k] for e in case.expect_any)


def _snapshot(client: TestClient, checks: list[CheckCase], suggests: list[SuggestCase]) -> dict[str, object]:
    """What an agent sees: each draft's blocking rules, each transcript's approved phrasings in the top k."""
    out: dict[str, object] = {}
    for case in checks:
        violations = _check(client, case)["violations"]
        assert isinstance(violations, list)
        out[case.id] = sorted(v["rule_id"] for v in violations if v["severity"] == "block")
    for suggest in suggests:
        body = {"transcript": suggest.transcript if isinstance(suggest.transcript, str)
                else [t.model_dump() for t in suggest.transcript], "top_k": suggest.top_k, "channel": suggest.channel}
        answer = client.post("/v1/suggest", json=body).json()
        out[suggest.id] = [s["text"] for s in answer["suggestions"] if s["kind"] == "approved"]
    return out


@pytest.mark.parametrize("trial", TRIALS, ids=lambda p: p.name)
def test_the_standard_drives_check_and_suggest_once_approved(client: TestClient, trial: Path) -> None:
    standards = sorted(p for p in trial.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
    assert len(standards) == 1, f"one standard per trial in {trial}, found {[p.name for p in standards]}"
    standard = standards[0]
    doc_id = standard.stem.lower()
    suite = load_suites(sorted(trial.glob("*.jsonl")))
    assert not suite.problems, suite.problems
    checks, suggests = suite.check_cases, suite.suggest_cases
    assert checks or suggests, f"no check or suggest cases in {trial}/*.jsonl"

    before = _snapshot(client, checks, suggests)
    files = {"file": (standard.name, standard.read_bytes(), "application/octet-stream")}
    pending = client.post("/v1/knowledge/documents", files=files)
    assert pending.status_code == 200, pending.text
    print(f"\nuploaded {standard.name}: {pending.json()['extraction']}")
    assert _snapshot(client, checks, suggests) == before, "an upload without approval changed what agents see"

    approved = client.post("/v1/knowledge/documents?approve=all", files=files)
    assert approved.status_code == 200, approved.text
    print(f"approved {approved.json()['approved']} of {approved.json()['proposals']} proposals")

    failures: dict[str, str] = {}
    for case in checks:
        answer = _check(client, case)
        documents = _blocking_documents(answer)
        if case.expect_flag and doc_id not in documents:
            failures[case.id] = f"not blocked citing {doc_id}: {case.draft} → {sorted(documents) or 'passed'}"
        if not case.expect_flag and answer["flagged"]:
            failures[case.id] = f"near-miss blocked: {case.draft} → {sorted(documents)}"
    for suggest in suggests:
        texts = _suggested(client, suggest)
        if not _hit(suggest, texts):
            failures[suggest.id] = f"no expected phrasing in the top {suggest.top_k}: {texts[:suggest.top_k]}"
    blocked = sum(c.expect_flag for c in checks)
    print(f"{len(checks)} check cases ({blocked} forbidden, {len(checks) - blocked} near-miss), "
          f"{len(suggests)} suggest cases, {len(failures)} failed")
    for case_id, failure in failures.items():
        print("  ", case_id, failure)
    known = KNOWN_MISSES.get(doc_id, set())
    new = {k: v for k, v in failures.items() if k not in known}
    assert not new, "\n".join(f"{k} {v}" for k, v in new.items())
    assert not known - failures.keys(), f"now passing, take off KNOWN_MISSES: {sorted(known - failures.keys())}"


def test_the_folder_is_documented_and_holds_trials() -> None:
    assert (FOLDER / "README.md").is_file()
    assert TRIALS, f"no trial folder in {FOLDER}"
