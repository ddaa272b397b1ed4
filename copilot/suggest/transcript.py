"""Parse a transcript given as text with speaker prefixes, or as a list of turns."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from copilot.text.normalize import to_simplified

Role = Literal["customer", "agent"]

# Matched on the simplified line (one character for one), so 繁體 客戶：/顧客：/用戶：/來電人： start turns too.
PREFIX = re.compile(
    r"^\s*(客户|顾客|用户|来电人|customer|坐席|客服|座席|agent)\s*[:：]\s*", re.IGNORECASE
)
AGENT_WORDS = {"坐席", "客服", "座席", "agent"}


class Turn(BaseModel):
    role: Role
    text: str = Field(min_length=1, max_length=4000)


def parse_transcript(transcript: str | list[Turn]) -> list[Turn]:
    """Lines prefixed 客户：/坐席： (or customer:/agent:) start turns; other lines continue the last turn.

    Unprefixed text with no turn before it is the customer speaking: agents paste what they heard.
    """
    if isinstance(transcript, list):
        return [t for t in transcript if t.text.strip()]
    turns: list[Turn] = []
    for line in transcript.splitlines():
        if not line.strip():
            continue
        match = PREFIX.match(to_simplified(line))
        if match:
            role: Role = "agent" if match.group(1).lower() in AGENT_WORDS else "customer"
            text = line[match.end():].strip()
            if text:
                turns.append(Turn(role=role, text=text))
        elif turns:
            turns[-1] = Turn(role=turns[-1].role, text=f"{turns[-1].text}\n{line.strip()}")
        else:
            turns.append(Turn(role="customer", text=line.strip()))
    return turns


def customer_turns(turns: list[Turn], context_turns: int = 2) -> tuple[str, list[str]]:
    """The latest customer turn, and up to `context_turns` customer turns before it (most recent last)."""
    customer = [t.text for t in turns if t.role == "customer"] or [t.text for t in turns]
    if not customer:
        return "", []
    return customer[-1], customer[-1 - context_turns : -1]


def agent_before_latest(turns: list[Turn]) -> str:
    """What the agent said last before the latest customer turn ("" if nothing): a customer's "二十分钟了，人呢？"
    means a long wait only after the agent's "请稍候"."""
    last_customer = max((i for i, t in enumerate(turns) if t.role == "customer"), default=-1)
    return next((t.text for t in reversed(turns[:last_customer]) if t.role == "agent"), "")


def customer_queries(turns: list[Turn], context_turns: int = 2) -> tuple[str, str]:
    """The latest customer turn, and the earlier customer turns before it (joined, most recent last)."""
    latest, earlier = customer_turns(turns, context_turns)
    return latest, " ".join(earlier)
