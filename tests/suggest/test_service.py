from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from copilot.embedding.fake import FakeEmbedder
from copilot.errors import InvalidInput
from copilot.rulebook.models import Rulebook
from copilot.runtime import Copilot
from copilot.settings import PathSettings
from copilot.suggest.conversation import load_policy
from copilot.suggest.matcher import SituationMatcher
from copilot.suggest.models import SuggestRequest
from copilot.suggest.recogniser import ScenarioRecogniser
from copilot.suggest.service import SuggestService


def test_response_shape_and_ordering(fake_copilot: Copilot) -> None:
    response = fake_copilot.suggest.suggest(SuggestRequest(transcript="客户：电话打了半天才接通", top_k=5))
    assert response.scenario is not None
    assert 0 <= response.scenario.confidence <= 1
    kinds = [s.kind for s in response.suggestions]
    assert kinds == sorted(kinds, key=lambda k: k != "approved"), "approved phrasings come before passages"
    texts = [s.text for s in response.suggestions]
    assert len(texts) == len(set(texts)) <= 5
    for suggestion in response.suggestions:
        document = fake_copilot.knowledge.documents[suggestion.citation.document]
        assert document.text[suggestion.citation.start : suggestion.citation.end] == suggestion.citation.quote


def test_channel_filter(fake_copilot: Copilot) -> None:
    response = fake_copilot.suggest.suggest(SuggestRequest(transcript="好的，谢谢，没别的了", channel="chat"))
    assert response.scenario is not None
    scenario = fake_copilot.knowledge.rulebook.scenario(response.scenario.id)
    assert "chat" in scenario.channels


def test_empty_transcript_is_invalid(fake_copilot: Copilot) -> None:
    with pytest.raises(InvalidInput):
        fake_copilot.suggest.suggest(SuggestRequest(transcript="  \n "))


def test_top_k_bounds() -> None:
    with pytest.raises(ValueError):
        SuggestRequest(transcript="x", top_k=0)
    with pytest.raises(ValueError):
        SuggestRequest(transcript="x", top_k=11)


def _with(fake_copilot: Copilot, recogniser: ScenarioRecogniser | None, rulebook: Rulebook | None = None,
          matcher: SituationMatcher | None = None, **settings: object) -> SuggestService:
    """The fake copilot's suggestions with this recogniser, optionally another rulebook, a situation matcher and
    suggest settings."""
    policy = load_policy(PathSettings().conversation_path)
    return SuggestService(rulebook or fake_copilot.knowledge.rulebook, fake_copilot.retriever,
                          fake_copilot.settings.suggest.model_copy(update=settings), recogniser, policy, matcher)


def _recogniser(fake_copilot: Copilot, bias: dict[str, float], unsure_below: float,
                labels: tuple[str, ...] | None = None) -> ScenarioRecogniser:
    labels = labels or tuple(s.id for s in fake_copilot.knowledge.rulebook.scenarios)
    dimensions = fake_copilot.retriever.embed("x").shape[0]
    return ScenarioRecogniser(labels, np.zeros((len(labels), dimensions), dtype=np.float32),
                              np.asarray([bias.get(label, -6.0) for label in labels], dtype=np.float32),
                              scale=1.0, offset=0.0, context_weight=0.35, unsure_below=unsure_below)


def test_a_confident_recogniser_moves_its_scenario_to_the_top(fake_copilot: Copilot) -> None:
    service = _with(fake_copilot, _recogniser(fake_copilot, {"noisy-line": 6.0}, unsure_below=0.3))
    response = service.suggest(SuggestRequest(transcript="客户：我这边工地上机器一直在响"))
    assert response.scenario is not None and response.scenario.id == "noisy-line" and not response.unsure


def test_an_unsure_recogniser_offers_the_general_wording_first(fake_copilot: Copilot) -> None:
    service = _with(fake_copilot, _recogniser(fake_copilot, {}, unsure_below=0.3))
    response = service.suggest(SuggestRequest(transcript="客户：那个……就是上回说的那个事"))
    general = fake_copilot.knowledge.rulebook.scenario("unknown-answer").approved[0].text
    assert response.unsure and response.suggestions[0].text == general


def test_the_greeting_is_not_offered_again_once_the_agent_has_said_it(fake_copilot: Copilot) -> None:
    service = _with(fake_copilot, None)
    greeting = fake_copilot.knowledge.rulebook.scenario("greeting-voice").approved[0].text
    alone = service.suggest(SuggestRequest(transcript="客户：喂，你好", top_k=10))
    assert alone.phase == "opening" and greeting in [s.text for s in alone.suggestions]
    after = service.suggest(SuggestRequest(transcript=f"坐席：{greeting}\n客户：喂，你好", top_k=10))
    assert after.phase == "middle" and greeting not in [s.text for s in after.suggestions]


def test_a_conversation_embeds_each_customer_turn_once(fake_copilot: Copilot) -> None:
    service = _with(fake_copilot, None)
    calls: list[list[str]] = []
    embed = service._vectors._embed_many

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return embed(texts)

    service._vectors._embed_many = counting
    conversation = "客户：宽带又断了\n坐席：您好，我帮您看一下"
    service.suggest(SuggestRequest(transcript=conversation))
    service.suggest(SuggestRequest(transcript=conversation + "\n客户：这礼拜第三次了"))
    assert calls == [["宽带又断了"], ["这礼拜第三次了"]]  # one model call each, earlier turns not again


def test_each_likely_scenario_offers_its_best_phrasing_before_a_second_one(fake_copilot: Copilot) -> None:
    rulebook = fake_copilot.knowledge.rulebook
    first, second = [s for s in rulebook.scenarios if len(s.approved) >= 2 and "voice" in s.channels][:2]
    recogniser = _recogniser(fake_copilot, {first.id: 3.0, second.id: 1.5}, unsure_below=0.0)
    request = SuggestRequest(transcript="客户：嗯，就是这么个情况", channel="voice", top_k=3)
    spread = _with(fake_copilot, recogniser).suggest(request)
    assert [s.text for s in spread.suggestions[:2]] == [first.approved[0].text, second.approved[0].text]
    plain = _with(fake_copilot, recogniser, spread_scenarios=False).suggest(request)
    assert [s.text for s in plain.suggestions[:2]] == [first.approved[0].text, first.approved[1].text]


def test_a_scenario_whose_first_phrasing_was_said_leads_with_its_next(fake_copilot: Copilot) -> None:
    rulebook = fake_copilot.knowledge.rulebook
    first, second = [s for s in rulebook.scenarios if len(s.approved) >= 2 and "voice" in s.channels][:2]
    recogniser = _recogniser(fake_copilot, {first.id: 3.0, second.id: 1.5}, unsure_below=0.0)
    transcript = f"坐席：{first.approved[0].text}\n客户：嗯，就是这么个情况"
    response = _with(fake_copilot, recogniser).suggest(SuggestRequest(transcript=transcript, channel="voice"))
    assert response.suggestions[0].text == first.approved[1].text


def _as_uploaded(fake_copilot: Copilot, document: str, own: bool, matcher: SituationMatcher | None = None,
                 **settings: object) -> SuggestService:
    """The fake rulebook with one shipped document treated as a customer's upload: a recogniser that knows
    only the other documents' scenarios, and is unsure of everything."""
    rulebook = fake_copilot.knowledge.rulebook.model_copy(update={"uploaded": [document]})
    known = tuple(s.id for s in rulebook.scenarios if s.source != document)
    recogniser = _recogniser(fake_copilot, {}, unsure_below=0.3, labels=known)
    return _with(fake_copilot, recogniser, rulebook, matcher, own_situations=own, **settings)


def test_an_uploaded_situation_takes_a_probability_from_its_own_texts(fake_copilot: Copilot) -> None:
    noisy = fake_copilot.knowledge.rulebook.scenario("noisy-line")
    request = SuggestRequest(transcript=f"客户：{noisy.examples[1]}", channel="voice")
    own = _as_uploaded(fake_copilot, noisy.source, own=True).suggest(request)
    assert own.scenario is not None and own.scenario.id == "noisy-line" and not own.unsure
    assert own.suggestions[0].text == noisy.approved[0].text
    # switched off, the upload's situations keep retrieval's score and the unsure recogniser's general wording leads
    plain = _as_uploaded(fake_copilot, noisy.source, own=False).suggest(request)
    assert plain.unsure and plain.suggestions[0].text != noisy.approved[0].text


class _Counting(FakeEmbedder):
    """The fake embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        self.texts += texts
        return super().embed_batch(texts, is_query=is_query)


def test_a_situation_matcher_reads_the_uploaded_situations_and_the_turns_with_its_own_calibration(
        fake_copilot: Copilot) -> None:
    """The matcher's encoder embeds the situations' texts and the customer's turns, and its calibration (not the
    settings') turns the nearest cosine into a probability: a midpoint no cosine reaches leaves the upload unsure."""
    noisy = fake_copilot.knowledge.rulebook.scenario("noisy-line")
    request = SuggestRequest(transcript=f"客户：{noisy.examples[0]}\n坐席：您好\n客户：{noisy.examples[1]}",
                             channel="voice")
    near = _Counting()
    found = _as_uploaded(fake_copilot, noisy.source, True, SituationMatcher(near, 15.0, 0.5)).suggest(request)
    assert found.scenario is not None and found.scenario.id == "noisy-line" and not found.unsure
    assert noisy.examples[1] in near.texts and noisy.approved[0].text in near.texts
    beyond = SituationMatcher(_Counting(), 15.0, 2.0)
    unsure = _as_uploaded(fake_copilot, noisy.source, True, beyond).suggest(request)
    assert unsure.unsure and unsure.suggestions[0].text != noisy.approved[0].text


def test_the_matcher_encodes_a_conversation_s_earlier_turns_once(fake_copilot: Copilot) -> None:
    """Suggestion after suggestion, only the customer's new turn reaches the matcher's encoder."""
    noisy = fake_copilot.knowledge.rulebook.scenario("noisy-line")
    counting = _Counting()
    service = _as_uploaded(fake_copilot, noisy.source, True, SituationMatcher(counting, 15.0, 0.5))
    first = f"客户：{noisy.examples[0]}"
    service.suggest(SuggestRequest(transcript=first, channel="voice"))
    before = len(counting.texts)
    service.suggest(SuggestRequest(transcript=f"{first}\n坐席：您好\n客户：{noisy.examples[1]}", channel="voice"))
    assert counting.texts[before:] == [noisy.examples[1]]


def test_own_situations_are_embedded_once_when_the_service_is_built(fake_copilot: Copilot) -> None:
    from copilot.suggest.own import OwnSituations

    calls: list[int] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return fake_copilot.retriever.embed_many(texts)

    noisy = fake_copilot.knowledge.rulebook.scenario("noisy-line")
    own = OwnSituations([noisy], counting, fake_copilot.settings.suggest)
    for text in noisy.examples:
        p = own.read(fake_copilot.retriever.embed_many([text])[0]).probabilities
        assert p["noisy-line"] > 0.9  # its own example: cosine 1, well past the midpoint
    assert calls == [len(noisy.examples) + len(noisy.approved)]
    assert not OwnSituations([], counting, fake_copilot.settings.suggest).read(np.ones(3, np.float32)).probabilities


def test_a_recogniser_reading_turns_hears_the_agents_words_before_the_customer(fake_copilot: Copilot) -> None:
    """Units that read only the agent's part: the same customer line goes to the scenario the agent's words point
    to, and with no agent turn the recogniser has nothing to go on."""
    labels = tuple(s.id for s in fake_copilot.knowledge.rulebook.scenarios)
    hold = fake_copilot.retriever.embed("请您稍等，我帮您查询一下")
    weights = np.zeros((len(labels), 3 * len(hold)), dtype=np.float32)
    weights[labels.index("chat-long-wait"), 2 * len(hold):] = 12.0 * hold
    recogniser = replace(_recogniser(fake_copilot, {}, unsure_below=0.3), weights=weights, reads="turns")
    service = _with(fake_copilot, recogniser)
    waited = service.suggest(SuggestRequest(transcript="坐席：请您稍等，我帮您查询一下\n客户：二十分钟了，人呢"))
    assert waited.scenario is not None and waited.scenario.id == "chat-long-wait" and not waited.unsure
    alone = service.suggest(SuggestRequest(transcript="客户：二十分钟了，人呢"))
    assert alone.unsure


def _confidently_shipped(fake_copilot: Copilot, seats: int, floor: float) -> tuple[list[str], list[str], set[str]]:
    """Three shipped scenarios the recogniser is sure of, an upload whose situations all sit at 0.5 (scale 0):
    the texts shown with `seats` kept for the upload, the shipped scenarios' first phrasings, the upload's ids."""
    noisy = fake_copilot.knowledge.rulebook.scenario("noisy-line")
    rulebook = fake_copilot.knowledge.rulebook.model_copy(update={"uploaded": [noisy.source]})
    shipped = [s for s in rulebook.scenarios if s.source != noisy.source and "voice" in s.channels and s.approved]
    sure = shipped[:3]
    recogniser = _recogniser(fake_copilot, {s.id: 6.0 for s in sure}, unsure_below=0.3,
                             labels=tuple(s.id for s in shipped))
    service = _with(fake_copilot, recogniser, rulebook, own_situation_scale=0.0, own_seats=seats,
                    own_seat_floor=floor)
    response = service.suggest(SuggestRequest(transcript="客户：嗯，就是这么个情况", channel="voice", top_k=3))
    uploaded = {s.id for s in rulebook.scenarios if s.source == noisy.source}
    return ([s.text for s in response.suggestions], [s.approved[0].text for s in sure],
            {s.scenario_id or "" for s in response.suggestions} & uploaded)


def test_an_approved_upload_keeps_a_seat_behind_the_shipped_scenarios_the_recogniser_is_sure_of(
        fake_copilot: Copilot) -> None:
    shown, firsts, from_upload = _confidently_shipped(fake_copilot, seats=1, floor=0.2)
    plain, _, _ = _confidently_shipped(fake_copilot, seats=0, floor=0.2)
    assert shown[:2] == plain[:2] and len(shown) == 3  # the two best shipped phrasings stay where they were
    assert len(from_upload) == 1 and shown[2] not in firsts  # the lowest gives its place to the upload's
    shown, firsts, from_upload = _confidently_shipped(fake_copilot, seats=2, floor=0.2)
    assert shown[0] == plain[0] and len(from_upload) == 2


def test_no_seat_when_switched_off_or_the_upload_is_not_likely_enough(fake_copilot: Copilot) -> None:
    for seats, floor in ((0, 0.2), (1, 0.6)):  # the upload's situations are at 0.5
        shown, firsts, from_upload = _confidently_shipped(fake_copilot, seats=seats, floor=floor)
        assert sorted(shown) == sorted(firsts) and not from_upload


def test_an_uploaded_situations_phrasing_nearest_the_turn_comes_first(fake_copilot: Copilot) -> None:
    """A standard often gives one situation a √ phrasing per case: the one that fits what the customer said leads."""
    noisy = fake_copilot.knowledge.rulebook.scenario("noisy-line")
    situation = next(s for s in fake_copilot.knowledge.rulebook.scenarios
                     if s.source == noisy.source and len(s.approved) >= 2 and "voice" in s.channels)
    second = situation.approved[1].text
    request = SuggestRequest(transcript=f"客户：{second}", channel="voice")
    by_turn = _as_uploaded(fake_copilot, noisy.source, own=True).suggest(request)
    assert by_turn.scenario is not None and by_turn.scenario.id == situation.id
    assert by_turn.suggestions[0].text == second
    as_listed = _as_uploaded(fake_copilot, noisy.source, own=True, own_phrasings_by_turn=False).suggest(request)
    assert as_listed.suggestions[0].text == situation.approved[0].text
