from __future__ import annotations

import pytest

from copilot.suggest.transcript import Turn, agent_before_latest, customer_queries, parse_transcript


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("客户：你好\n坐席：您好\n客户：我要投诉", ["customer", "agent", "customer"]),
        ("customer: hi\nagent: hello", ["customer", "agent"]),
        ("顾客:喂\n客服:您好", ["customer", "agent"]),
        ("客戶：網路斷了\n坐席：您好\n顧客：還是不行\n用戶：喂\n來電人：在嗎", ["customer", "agent", "customer",
                                                                        "customer", "customer"]),
        ("电话一直打不通", ["customer"]),
        ("客户：第一行\n接着说第二行", ["customer"]),
        ("\n\n", []),
    ],
)
def test_roles(text: str, roles: list[str]) -> None:
    assert [t.role for t in parse_transcript(text)] == roles


def test_continuation_lines_join_the_turn() -> None:
    turns = parse_transcript("客户：第一行\n接着说第二行")
    assert turns[0].text == "第一行\n接着说第二行"


def test_latest_customer_turn_and_context() -> None:
    turns = parse_transcript("客户：一\n坐席：好\n客户：二\n客户：三\n坐席：嗯")
    assert customer_queries(turns) == ("三", "一 二")


def test_list_of_turns_and_agent_only() -> None:
    turns = [Turn(role="agent", text="您好")]
    assert customer_queries(parse_transcript(turns)) == ("您好", "")


def test_traditional_prefixes_keep_the_turn_text_as_written() -> None:
    turns = parse_transcript("來電人：我的寬頻又斷線了\n客服：您好\n客戶：第三次打來了")
    assert [(t.role, t.text) for t in turns] == [
        ("customer", "我的寬頻又斷線了"), ("agent", "您好"), ("customer", "第三次打來了")]


@pytest.mark.parametrize(("text", "agent"), [
    ("客户：我的订单还没发\n坐席：请稍候，我查一下\n客户：二十分钟了，人呢", "请稍候，我查一下"),
    ("坐席：您好\n客户：宽带断了\n坐席：您是哪个小区的？", "您好"),  # what the agent said after it is not the cue
    ("客户：宽带又断了", ""),
    ("坐席：您好，请讲", ""),  # no customer turn: nothing came before it
])
def test_the_agents_words_before_the_latest_customer_turn(text: str, agent: str) -> None:
    assert agent_before_latest(parse_transcript(text)) == agent
