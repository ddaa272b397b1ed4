"""A self-contained HTML report (no scripts, no external files) a QA lead can open and forward."""

from __future__ import annotations

from html import escape

from copilot.evaluation.report import CheckFailure, EvalReport

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:2rem;color:#1a1a1a;
max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#0a7d28}.fail{color:#b00020;font-weight:bold}
.bar{background:#e8eef7;width:240px;height:.9rem;position:relative}
.bar span{display:block;height:100%;background:#2f6fde}
mark.block{background:#ffcdd2;text-decoration:underline wavy #b00020}mark.warn{background:#fff3c4}
"""


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _bar(value: float) -> str:
    width = f"{value * 100:.1f}%"
    return f'<div class="bar" role="img" aria-label="{_pct(value)}"><span style="width:{width}"></span></div>'


def highlight(failure: CheckFailure) -> str:
    """The draft with each violation marked, blocking in red and warnings in amber."""
    out, at = [], 0
    for span in sorted((v for v in failure.violations if v.end > v.start), key=lambda v: v.start):
        if span.start < at:
            continue
        out.append(escape(failure.draft[at : span.start]))
        title = escape(f"{span.category} · {span.detector}")
        out.append(f'<mark class="{span.severity}" title="{title}">{escape(span.text)}</mark>')
        at = span.end
    out.append(escape(failure.draft[at:]))
    return "".join(out)


def render_html(report: EvalReport) -> str:
    parts = [f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>评测报告 {escape(report.label)}"
             f"</title><style>{STYLE}</style></head><body><h1>坐席助手评测报告</h1>",
             f"<p>{escape(report.label)} · 用例集：{escape(', '.join(report.suites))}</p>"]
    if report.thresholds:
        rows = "".join(
            f"<tr><td>{escape(t.name)}</td><td class=num>{t.limit}</td><td class=num>{t.value}</td>"
            f"<td class={'pass' if t.passed else 'fail'}>{'通过' if t.passed else '未通过'}</td></tr>"
            for t in report.thresholds)
        parts.append(f"<h2>门槛</h2><table><tr><th>指标</th><th>门槛</th><th>结果</th><th></th></tr>{rows}</table>")
    if report.suggest:
        s = report.suggest
        parts.append(f"<h2>话术推荐（suggest）</h2><p>{s.overall.cases} 条 · hit@1 {_pct(s.overall.hit_at_1)} · "
                     f"hit@3 {_pct(s.overall.hit_at_3)} · MRR {s.overall.mrr:.3f} · "
                     f"p50 {s.latency.p50_ms} ms · p95 {s.latency.p95_ms} ms</p>")
        rows = "".join(f"<tr><td>{escape(k)}</td><td class=num>{v.cases}</td><td>{_bar(v.hit_at_3)}</td>"
                       f"<td class=num>{_pct(v.hit_at_3)}</td></tr>" for k, v in s.per_scenario.items())
        parts.append(f"<table><tr><th>场景</th><th>用例</th><th colspan=2>hit@3</th></tr>{rows}</table>")
        rows = "".join(f"<tr><td>{escape(f.id)}</td><td>{escape(f.scenario)}</td><td>{escape(f.transcript)}</td>"
                       f"<td>{escape(' / '.join(f.returned))}</td></tr>" for f in s.failures)
        parts.append(f"<h3>未命中（{len(s.failures)}）</h3><table><tr><th>id</th><th>期望场景</th><th>对话</th>"
                     f"<th>返回</th></tr>{rows}</table>")
    if report.check:
        c = report.check
        o = c.overall
        parts.append(f"<h2>草稿检查（check）</h2><p>{o.cases} 条 · P {_pct(o.precision)} · R {_pct(o.recall)} · "
                     f"F1 {_pct(o.f1)} · 误报率 {_pct(o.false_positive_rate)} · 片段召回 {_pct(o.span_recall)} · "
                     f"类别准确率 {_pct(o.category_accuracy)} · p50 {c.latency.p50_ms} ms</p>")
        rows = "".join(f"<tr><td>{escape(k)}</td><td class=num>{v.cases}</td><td>{_bar(v.recall)}</td>"
                       f"<td class=num>{_pct(v.recall)}</td></tr>" for k, v in c.per_category.items())
        parts.append(f"<table><tr><th>类别</th><th>用例</th><th colspan=2>召回</th></tr>{rows}</table>")
        rows = "".join(f"<tr><td>{escape(f.id)}</td><td>{'应拦截' if f.expect_flag else '不应拦截'}</td>"
                       f"<td>{highlight(f)}</td><td>{escape(', '.join(f.expect_spans))}</td></tr>" for f in c.failures)
        parts.append(f"<h3>未通过（{len(c.failures)}）</h3><table><tr><th>id</th><th>期望</th><th>草稿（标注）</th>"
                     f"<th>期望片段</th></tr>{rows}</table>")
    if report.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in report.problems)
        parts.append(f"<h2>格式问题</h2><ul>{items}</ul>")
    parts.append("</body></html>")
    return "".join(parts)
