"""What roles and channels are called in Chinese, wherever a prompt or a report names them."""

from __future__ import annotations

CHANNEL_NAMES = {"voice": "语音热线", "chat": "在线客服（文字）", "outbound": "外呼回访", None: "未说明"}
ROLE_NAMES = {"customer": "客户", "agent": "坐席", "copilot": "助手"}
