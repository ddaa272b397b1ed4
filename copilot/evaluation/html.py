"""A self-contained HTML report (no scripts, no external files) a QA lead can open and forward."""

from __future__ import annotations

from html import escape

from copilot.evaluation.report import CheckFailure, ComposeCaseResult, EvalReport

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:2rem;color:#1a1a1a;
max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
.pass{color:#0a7d28}.fail{color:#b00020;font-weight:bold}
.bar{background:#e8eef7;width:240px;height:.9rem;position:relative}
.bar span{display:block;height:100%;background:#2f6fde}
mark.block{background:#ffcdd2;text-decoration:underline wavy #b00020}mark.warn{background:#fff3c4}
"""


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def bar(value: float) -> str:
    width = f"{value * 100:.1f}%"
    return f'<div class="bar" role="img" aria-label="{pct(value)}"><span style="width:{width}"></span></div>'


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


def html_table(headers: list[str], rows: list[list[str]]) -> str:
    """Cells are HTML already (escaped by the caller where they hold data)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _thresholds(report: EvalReport) -> str:
    rows = [[escape(t.name), str(t.limit), str(t.value),
             f"<span class={'pass' if t.passed else 'fail'}>{'通过' if t.passed else '未通过'}</span>"]
            for t in report.thresholds]
    return "<h2>门槛</h2>" + html_table(["指标", "门槛", "结果", ""], rows)


def _suggest(report: EvalReport) -> str:
    assert report.suggest is not None
    s = report.suggest
    summary = (f"<h2>话术推荐（suggest）</h2><p>{s.overall.cases} 条 · hit@1 {pct(s.overall.hit_at_1)} · "
               f"hit@3 {pct(s.overall.hit_at_3)} · MRR {s.overall.mrr:.3f} · "
               f"p50 {s.latency.p50_ms} ms · p95 {s.latency.p95_ms} ms</p>")
    scenarios = [[escape(k), str(v.cases), bar(v.hit_at_3), pct(v.hit_at_3)] for k, v in s.per_scenario.items()]
    failures = [[escape(f.id), escape(f.scenario), escape(f.transcript), escape(" / ".join(f.returned))]
                for f in s.failures]
    return (summary + html_table(["场景", "用例", "hit@3", ""], scenarios)
            + f"<h3>未命中（{len(s.failures)}）</h3>" + html_table(["id", "期望场景", "对话", "返回"], failures))


def _check(report: EvalReport) -> str:
    assert report.check is not None
    c, o = report.check, report.check.overall
    summary = (f"<h2>草稿检查（check）</h2><p>{o.cases} 条 · P {pct(o.precision)} · R {pct(o.recall)} · "
               f"F1 {pct(o.f1)} · 误报率 {pct(o.false_positive_rate)} · 片段召回 {pct(o.span_recall)} · "
               f"类别准确率 {pct(o.category_accuracy)} · p50 {c.latency.p50_ms} ms</p>")
    categories = [[escape(k), str(v.cases), bar(v.recall), pct(v.recall)] for k, v in c.per_category.items()]
    failures = [[escape(f.id), "应拦截" if f.expect_flag else "不应拦截", highlight(f),
                 escape(", ".join(f.expect_spans))] for f in c.failures]
    return (summary + html_table(["类别", "用例", "召回", ""], categories)
            + f"<h3>未通过（{len(c.failures)}）</h3>"
            + html_table(["id", "期望", "草稿（标注）", "期望片段"], failures))


def _compose(report: EvalReport) -> str:
    assert report.compose is not None
    c = report.compose
    model = "" if c.grounded_rate is None else (
        f" · 模型原稿：有据 {pct(c.grounded_rate)} · 切题 {pct(c.on_topic_rate or 0)} · 格式 {pct(c.form_rate or 0)}")
    summary = (f"<h2>LLM 组稿（compose）</h2><p>模型：{escape(c.llm)} · {c.cases} 条 · 安全 {pct(c.safe_rate)} · "
               f"采用模型原稿 {pct(c.llm_rate)}{model} · 回退 {escape(str(c.fallbacks))} · "
               f"p50 {c.latency.p50_ms} ms</p>")
    rows = [[escape(r.id), escape(r.attack), escape(r.origin or "–"), escape(r.fallback_reason or "–"),
             "<span class=pass>是</span>" if r.safe else f"<span class=fail>否</span> {escape(', '.join(r.leaked))}",
             _judged(r), escape(r.model_text or "–") if r.origin == "standard" else "", escape(r.text)]
            for r in c.results]
    # a rejected case shows the model's text beside the standard's wording that replaced it
    return summary + html_table(["id", "攻击", "来源", "回退原因", "安全", "有据/切题/格式", "模型原稿（未采用）",
                                 "给坐席的回复"], rows)


def _judged(r: ComposeCaseResult) -> str:
    if r.grounded is None:
        return "–"
    marks = " / ".join("<span class=pass>✓</span>" if ok else "<span class=fail>✗</span>"
                       for ok in (r.grounded, r.on_topic, r.form))
    return marks + (f"<br>{escape(', '.join(r.unsupported))}" if r.unsupported else "")


def _ask(report: EvalReport) -> str:
    assert report.ask is not None
    a = report.ask
    summary = (f"<h2>问规范（ask）</h2><p>{a.cases} 条 · 命中 {pct(a.hit_rate)} · 规范外问题答“无相关规定” "
               f"{pct(a.refusal_rate)} · 规范内问题误答“无相关规定” {pct(a.false_refusal_rate)} · "
               f"p50 {a.latency.p50_ms} ms</p>")
    per_document = html_table(["文档", "命中率", ""], [[escape(k), pct(v), bar(v)] for k, v in a.per_document.items()])
    rows = [[escape(f.id), escape(f.question), escape(f.answer), escape("; ".join(f.cited))] for f in a.failures]
    failed = "<h3>未通过</h3>" + html_table(["id", "问题", "回答", "引用"], rows) if rows else ""
    return summary + per_document + failed


def _qa(report: EvalReport) -> str:
    assert report.qa is not None
    q = report.qa
    summary = (f"<h2>质检评分（qa）</h2><p>{q.cases} 通对话 · 评分项判定准确率 {pct(q.accuracy)} · "
               f"判为不合格的精确率 {pct(q.fail_precision)} · 召回率 {pct(q.fail_recall)} · "
               f"{q.per_second} 通/秒</p>")
    items = html_table(["评分项", "对话", "准确率", ""],
                   [[escape(k), str(v.cases), pct(v.accuracy), bar(v.accuracy)] for k, v in q.per_item.items()])
    rows = [[escape(m.id), escape(m.item), escape(m.expected), escape(m.got), escape(m.detail)] for m in q.mismatches]
    return summary + items + ("<h3>与标注不一致</h3>" + html_table(["对话", "评分项", "标注", "评分", "说明"], rows)
                              if rows else "")


def render_html(report: EvalReport) -> str:
    parts = [f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>评测报告 {escape(report.label)}'
             f"</title><style>{STYLE}</style></head><body><h1>坐席助手评测报告</h1>",
             f"<p>{escape(report.label)} · 用例集：{escape(', '.join(report.suites))}</p>"]
    if report.thresholds:
        parts.append(_thresholds(report))
    if report.suggest:
        parts.append(_suggest(report))
    if report.check:
        parts.append(_check(report))
    if report.compose:
        parts.append(_compose(report))
    if report.ask:
        parts.append(_ask(report))
    if report.qa:
        parts.append(_qa(report))
    if report.problems:
        parts.append("<h2>格式问题</h2><ul>" + "".join(f"<li>{escape(p)}</li>" for p in report.problems) + "</ul>")
    parts.append("</body></html>")
    return "".join(parts)
