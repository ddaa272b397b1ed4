from __future__ import annotations

from copilot.suggest.conversation import Conversation, ConversationPolicy, load_policy
from copilot.suggest.transcript import parse_transcript

POLICY = ConversationPolicy(opening=["greeting-voice"], closing=["call-ending"], general=["unknown-answer"])


def test_the_phase_follows_the_agent_and_the_scenario() -> None:
    fresh = Conversation.of(parse_transcript("客户：喂，你好"))
    under_way = Conversation.of(parse_transcript("坐席：您好\n客户：我想问个事"))
    assert fresh.phase("greeting-voice", POLICY) == "opening"
    assert under_way.phase("hold-lookup", POLICY) == "middle"
    assert under_way.phase("call-ending", POLICY) == "closing"


def test_what_the_agent_said_is_recognised_through_script_and_punctuation() -> None:
    conversation = Conversation.of(parse_transcript("坐席：您好！請問有什麼可以幫助您？\n客户：嗯"))
    assert conversation.already_said("您好，请问有什么可以帮助您", 0.8)
    assert not conversation.already_said("请您稍等，我帮您查询。", 0.8)


def test_the_shipped_policy_names_scenarios_of_the_rulebook(knowledge: object) -> None:
    from copilot.knowledge import Knowledge
    from copilot.settings import PathSettings

    assert isinstance(knowledge, Knowledge)
    policy = load_policy(PathSettings().conversation_path)
    ids = {s.id for s in knowledge.rulebook.scenarios}
    assert policy.opening and policy.closing and policy.general
    assert set(policy.opening + policy.closing + policy.general) <= ids
