"""The batch report as one self-contained HTML page (no scripts, no external files), for the sidebar."""

from __future__ import annotations

from html import escape

from copilot.evaluation.html import STYLE, bar, html_table, pct
from copilot.qa.models import BatchSummary, ConversationScore, Evidence, ItemResult
from copilot.rulebook.names import ROLE_NAMES

EXTRA_STYLE = """
.turn{margin:.15rem 0}.role{color:#666;font-size:.85rem;margin-right:.4rem}
.missing{color:#b00020}.coach{color:#0a7d28}.cite{color:#666;font-size:.85rem}
"""


def render_html(summary: BatchSummary, results: list[ConversationScore], *, title: str,
                turns: dict[str, list[tuple[str, str]]]) -> str:
    """`turns` maps a conversation id to its (role, masked text) turns, for showing evidence in context."""
    by_id = {r.id: r for r in results}
    parts = [f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
             f"<style>{STYLE}{EXTRA_STYLE}</style></head><body><h1>{escape(title)}</h1>",
             _overview(summary), _weakest(summary),
             f"<h2>得分最低的对话（{len(summary.worst)}）</h2>"]
    for conversation_id in summary.worst:
        parts.append(_conversation(by_id[conversation_id], turns.get(conversation_id, [])))
    parts.append("</body></html>")
    return "".join(parts)


def _overview(s: BatchSummary) -> str:
    most = max(s.histogram.values()) or 1
    bands = html_table(["分数段", "对话数", ""], [[k, str(v), bar(v / most)] for k, v in reversed(s.histogram.items())])
    channels = "、".join(f"{escape(k)} {v}" for k, v in s.by_channel.items())
    return (f"<p>{s.conversations} 通对话 · 平均分 {s.mean_score} · 中位数 {s.median_score} · "
            f"一票否决 {s.fatal} 通 · 各渠道平均分：{channels} · 用时 {s.seconds} 秒（{s.per_second} 通/秒）</p>"
            f"<h2>分数分布</h2>{bands}")


def _weakest(s: BatchSummary) -> str:
    rows = [[escape(i.title), escape(i.id), f"{i.failed}/{i.applicable}", pct(i.fail_rate), bar(i.fail_rate)]
            for i in s.weakest_items if i.failed]
    return "<h2>最常不合格的评分项</h2>" + html_table(["评分项", "id", "不合格/适用", "不合格率", ""], rows)


def _conversation(result: ConversationScore, turns: list[tuple[str, str]]) -> str:
    head = (f"<h3>{escape(result.id)} · {escape(result.channel)} · {result.score} 分"
            f"{' · 一票否决' if result.fatal else ''}</h3>")
    failed = [item for item in result.items if item.status == "fail"]
    return head + "".join(_failed_item(item, turns) for item in failed)


def _failed_item(item: ItemResult, turns: list[tuple[str, str]]) -> str:
    lines = [f"<p><b class=fail>✗ {escape(item.title)}</b>（{item.weight:g} 分）{escape(item.detail)}</p>"]
    if item.missing:
        lines.append(f"<p class=missing>缺失：{escape('、'.join(item.missing))}</p>")
    for evidence in item.evidence:
        lines.append(_evidence(evidence, turns))
    if item.coaching:
        lines.append(f"<p class=coach>规范话术：{escape(item.coaching)}</p>")
    c = item.citation
    lines.append(f"<p class=cite>依据：{escape(c.document_title)} · {escape(c.section)} ·「{escape(c.quote)}」</p>")
    return "".join(lines)


def _evidence(evidence: Evidence, turns: list[tuple[str, str]]) -> str:
    if evidence.turn >= len(turns):
        return f"<p class=turn>第 {evidence.turn + 1} 句：<mark class=block>{escape(evidence.text)}</mark></p>"
    role, text = turns[evidence.turn]
    marked = (escape(text[: evidence.start]) + f"<mark class=block>{escape(text[evidence.start:evidence.end])}</mark>"
              + escape(text[evidence.end:]))
    note = f" <span class=cite>{escape(evidence.note)}</span>" if evidence.note else ""
    return (f"<p class=turn><span class=role>第 {evidence.turn + 1} 句 · {ROLE_NAMES.get(role, role)}</span>"
            f"{marked}{note}</p>")
