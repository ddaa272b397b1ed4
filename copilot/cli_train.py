"""`copilot train …` (the product's own models) and `copilot feedback …` (what agents reported)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from copilot.console import console
from copilot.settings import Settings

if TYPE_CHECKING:
    from copilot.train.clauses import Labelled

train_app = typer.Typer(help="Train the product's own models from the corpora under knowledge/training/.",
                        no_args_is_help=True)
feedback_app = typer.Typer(help="What agents reported from the sidebar.", no_args_is_help=True)


@train_app.command("checker")
def train_checker_command(
    out: Annotated[Path | None, typer.Option(help="Output folder (default: check.model_dir).")] = None,
    method: Annotated[str | None, typer.Option(help="token, finetune or head (default: the config's).")] = None,
    report: Annotated[Path | None, typer.Option(help="Also write the training report (Markdown) here.")] = None,
) -> None:
    """Train the checker model on knowledge/training/checker (seeded; config.yaml beside the corpus) and write
    the model, its card and its validation metrics side by side."""
    from copilot.train.build import base_model, fingerprint, read_config
    from copilot.train.checker import train_checker
    from copilot.train.corpus import load_corpus
    from copilot.train.report import write_report

    settings = Settings()
    config = read_config(settings.paths)
    if method:
        config = config.model_copy(update={"method": method})
    embedder = None
    if config.method == "head":
        from copilot.embedding import create_embedder

        embedder = create_embedder(settings.embedding)
    base = base_model()
    utterances = load_corpus(settings.paths.checker_corpus_dir)
    target = out or settings.check.model_dir
    key = fingerprint(settings.paths, config, embedder.name if embedder else base.name)
    with console.status(f"training the checker ({config.method}) on {len(utterances)} utterances"):
        trained = train_checker(utterances, base, target, config, embedder, fingerprint=key)
    m = trained.metrics
    console.print(f"written to {trained.folder}: validation F1 {m['f1']}, false positives {m['false_positive_rate']}, "
                  f"span recall {m['span_recall']} ({m['training_seconds']} s)")
    if report:
        write_report(trained, utterances, report)
        console.print(f"report: {report}")


@feedback_app.command("export")
def feedback_export(
    false_alarms: Annotated[Path, typer.Option("--false-alarms", help="JSONL file to write the check cases to.")],
) -> None:
    """Write the findings agents marked 误报 as candidate check cases (expect_flag false) for QA to review."""
    from copilot.feedback.export import write_false_alarms
    from copilot.feedback.store import open_feedback

    written = write_false_alarms(open_feedback(Settings()).false_alarms(), false_alarms)
    console.print(f"{written} candidate check cases written to {false_alarms}")


@train_app.command("scenarios")
def train_scenarios_command(
    out: Annotated[Path | None, typer.Option(help="Output folder (default: suggest.recogniser_dir).")] = None,
    report: Annotated[Path | None, typer.Option(help="Also write the training report (Markdown) here.")] = None,
) -> None:
    """Train the scenario recogniser on knowledge/training/scenarios (seeded; config.yaml beside the corpus) on
    the configured embedder's vectors, and write it with its card and validation metrics."""
    from copilot.embedding import create_embedder
    from copilot.knowledge import load_knowledge
    from copilot.train.build import read_recogniser_config, recogniser_fingerprint
    from copilot.train.report import write_recogniser_report
    from copilot.train.scenarios import train_recogniser
    from copilot.train.turns import CustomerTurn, load_turns

    settings = Settings()
    config = read_recogniser_config(settings.paths)
    rulebook = load_knowledge(settings.paths).rulebook
    turns = load_turns(settings.paths.scenario_corpus_dir, {s.id for s in rulebook.scenarios})
    examples = [CustomerTurn(id=f"{s.id}/example-{i}", transcript=text, scenarios=[s.id], channel=s.channels[0])
                for s in rulebook.scenarios for i, text in enumerate(s.examples)]
    embedder = create_embedder(settings.embedding)
    target = out or settings.suggest.recogniser_dir
    key = recogniser_fingerprint(settings.paths, config, embedder.name)
    with console.status(f"training the scenario recogniser on {len(turns)} customer turns"):
        trained = train_recogniser(turns, embedder, target, config, fingerprint=key, examples=examples)
    m = trained.metrics
    console.print(f"written to {trained.folder}: out-of-fold top-1 {m['top1']}, top-3 {m['top3']}, calibration "
                  f"error {m['expected_calibration_error']} ({m['training_seconds']} s)")
    if report:
        write_recogniser_report(trained, turns, report)
        console.print(f"report: {report}")


@train_app.command("facts")
def train_facts_command(
    out: Annotated[Path | None, typer.Option(help="Output folder (default: llm.facts_dir).")] = None,
) -> None:
    """Train the fact reader on knowledge/training/claims (seeded; config.yaml beside the corpus says how: the
    encoder fine-tuned, or a head on the configured embedder's vectors) and write it with its card and metrics."""
    from copilot.llm.facts import FACTS
    from copilot.train.clauses import load_clauses

    settings = Settings()
    corpus = settings.paths.claims_corpus_dir
    _train_reader(settings, "fact reader", load_clauses(corpus), corpus, out or settings.llm.facts_dir, FACTS)


@train_app.command("accounts")
def train_accounts_command(
    out: Annotated[Path | None, typer.Option(help="Output folder (default: llm.accounts_dir).")] = None,
) -> None:
    """Train the account reader on knowledge/training/accounts (seeded, as the fact reader): is a stated fact the
    customer's own account given back, or an assertion of the company's side?"""
    from copilot.llm.facts import ACCOUNTS
    from copilot.train.clauses import load_fact_clauses

    settings = Settings()
    corpus = settings.paths.accounts_corpus_dir
    _train_reader(settings, "account reader", load_fact_clauses(corpus), corpus,
                  out or settings.llm.accounts_dir, ACCOUNTS)


@train_app.command("situations")
def train_situations_command(
    out: Annotated[Path | None, typer.Option(help="Output folder (default: suggest.situations_dir).")] = None,
) -> None:
    """Train the situation matcher on knowledge/training/situations (seeded; config.yaml beside the corpus): the
    encoder fine-tuned to put a customer's turn near the standard's situation it is in, measured and calibrated on
    industries held out whole, and written with its card and metrics."""
    from copilot.embedding import create_embedder
    from copilot.train.build import base_model, corpus_fingerprint, read_situations_config
    from copilot.train.situations import load_situations, train_situations

    settings = Settings()
    corpus = settings.paths.situations_corpus_dir
    config = read_situations_config(corpus)
    situations = load_situations(corpus)
    embedder = create_embedder(settings.embedding)
    key = corpus_fingerprint(corpus, config, embedder.name)
    with console.status(f"training the situation matcher on {len(situations)} situations"):
        trained = train_situations(situations, embedder, base_model(), out or settings.suggest.situations_dir,
                                   config, fingerprint=key)
    m, frozen = trained.metrics, trained.metrics["embedder_on_the_same_industries"]
    console.print(f"written to {trained.folder}: held-out industries top-1 {m['top1']} / top-3 {m['top3']} "
                  f"(the embedder's vectors {frozen['top1']} / {frozen['top3']}), {m['training_seconds']} s")


def _train_reader(settings: Settings, name: str, records: Sequence[Labelled], corpus: Path, target: Path,
                  labels: tuple[str, str]) -> None:
    from copilot.embedding import create_embedder
    from copilot.train.build import base_model, corpus_fingerprint, read_facts_config
    from copilot.train.facts import train_facts

    config = read_facts_config(corpus)
    embedder = create_embedder(settings.embedding)
    key = corpus_fingerprint(corpus, config, embedder.name)
    with console.status(f"training the {name} on {len(records)} reply clauses"):
        trained = train_facts(records, embedder, target, config, fingerprint=key,
                              base=base_model() if config.method == "finetune" else None, labels=labels)
    m, (no, yes) = trained.metrics, labels
    measured = "validation" if config.method == "finetune" else "out-of-fold"
    console.print(f"written to {trained.folder}: {measured} accuracy {m['accuracy']}, {yes} recall "
                  f"{m[f'{yes}_recall']}, {no} clauses read as {yes} {m[f'{no}_read_as_{yes}']} "
                  f"({m['training_seconds']} s)")
