"""QA batch results as files: JSON, CSV and one HTML page side by side, for the sidebar's reports pane."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from copilot.evaluation.qa_html import render_html
from copilot.privacy.redact import mask
from copilot.qa.batch import Scored
from copilot.qa.models import BatchSummary, Conversation, ConversationScore

__all__ = ["render_csv", "render_html", "render_json", "write_reports"]


def write_reports(scored: Scored, conversations: list[Conversation], folder: Path, name: str) -> list[Path]:
    """`name`.json, .csv and .html in `folder`; the HTML shows turns with phone, ID and card numbers masked."""
    folder.mkdir(parents=True, exist_ok=True)
    turns: dict[str, list[tuple[str, str]]] = {c.id: [(t.role, mask(t.text)) for t in c.turns] for c in conversations}
    paths = [folder / f"{name}.json", folder / f"{name}.csv", folder / f"{name}.html"]
    paths[0].write_text(render_json(scored.summary, scored.results), encoding="utf-8")
    paths[1].write_text(render_csv(scored.results), encoding="utf-8-sig")  # BOM: Excel reads it as UTF-8
    paths[2].write_text(render_html(scored.summary, scored.results, title=f"质检报告 {name}", turns=turns),
                        encoding="utf-8")
    return paths


def render_json(summary: BatchSummary, results: list[ConversationScore]) -> str:
    return json.dumps({"summary": summary.model_dump(), "results": [r.model_dump() for r in results]},
                      ensure_ascii=False, indent=2)


def render_csv(results: list[ConversationScore]) -> str:
    """One row per conversation; one column per item (pass, fail, n/a), in scorecard order."""
    items = list(dict.fromkeys(i.id for r in results for i in r.items))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "channel", "scorecard", "score", "fatal", "failed_items", *items])
    for r in results:
        status = {i.id: i.status for i in r.items}
        writer.writerow([r.id, r.channel, r.scorecard, r.score, r.fatal,
                         ";".join(i.id for i in r.items if i.status == "fail"), *(status.get(i, "") for i in items)])
    return out.getvalue()
