"""Load the rulebook YAML files, check them against the sources, and attach citations."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from copilot.errors import KnowledgeInvalid
from copilot.ingest.passages import Passage
from copilot.ingest.sources import SourceDocument
from copilot.rulebook.models import (
    EXTRACTED_PREFIX,
    Citation,
    ForbiddenPhrasing,
    Rulebook,
    RulebookFile,
    Scenario,
    Wording,
    _Quoted,
)
from copilot.text.normalize import locate


def load_rulebook(folder: Path, documents: dict[str, SourceDocument]) -> Rulebook:
    """Read every `*.yaml` in `folder`; raise KnowledgeInvalid naming the file and what is wrong."""
    scenarios: list[Scenario] = []
    problems: list[str] = []
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else [folder]
    if not files:
        raise KnowledgeInvalid(f"no rulebook files in {folder}")
    origin: dict[int, str] = {}
    forbidden: list[ForbiddenPhrasing] = []
    wording: list[Wording] = []
    for path in files:
        content = _read_file(path)
        for scenario in content.scenarios:
            origin[id(scenario)] = path.name
            scenarios.append(scenario)
        forbidden.extend(content.forbidden)
        wording.extend(content.wording)
        problems.extend(f"{path.name}: {p}" for p in _cite_loose([*content.forbidden, *content.wording], documents))
    seen: set[str] = set()
    for scenario in scenarios:
        if scenario.id in seen:
            problems.append(f"{origin[id(scenario)]}: duplicate scenario id {scenario.id!r}")
        seen.add(scenario.id)
        problems.extend(f"{origin[id(scenario)]}: {p}" for p in _attach_citations(scenario, documents))
    if problems:
        raise KnowledgeInvalid("rulebook does not match its sources", {"problems": problems})
    uploaded = [path.stem.removeprefix(EXTRACTED_PREFIX) for path in files if path.stem.startswith(EXTRACTED_PREFIX)]
    return Rulebook(scenarios=scenarios, forbidden=forbidden, wording=wording, uploaded=uploaded)


def _cite_loose(items: list[ForbiddenPhrasing] | list[Wording] | list[_Quoted],
                documents: dict[str, SourceDocument]) -> list[str]:
    """Entries outside a scenario name their source themselves."""
    problems = []
    for item in items:
        document = documents.get(item.source or "")
        citation = cite(document, item.cited_wording) if document else None
        if citation is None:
            problems.append(f"not found in {item.source}: {item.cited_wording!r}" if document
                            else f"unknown source {item.source!r} for {item.text!r}")
        item.citation = citation
    return problems


def _read_file(path: Path) -> RulebookFile:
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text) or []
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise KnowledgeInvalid(f"{path.name}" + (f", line {line}" if line else "") + f": not valid YAML: {exc}",
                               {"file": path.name, "line": line}) from exc
    if isinstance(raw, dict):
        try:
            return RulebookFile.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise KnowledgeInvalid(f"{path.name}: {where}: {first['msg']}",
                                   {"file": path.name, "errors": str(exc)}) from exc
    if not isinstance(raw, list):
        raise KnowledgeInvalid(f"{path.name}: expected a list of scenarios", {"file": path.name, "line": 1})
    lines = [item.start_mark.line + 1 for item in node.value] if isinstance(node, yaml.SequenceNode) else []
    scenarios = []
    for position, item in enumerate(raw, start=1):
        try:
            scenarios.append(Scenario.model_validate(item))
        except ValidationError as exc:
            ident = item.get("id", f"#{position}") if isinstance(item, dict) else f"#{position}"
            line = lines[position - 1] if position <= len(lines) else None
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise KnowledgeInvalid(
                f"{path.name}, line {line}: scenario {ident}: {where}: {first['msg']}",
                {"file": path.name, "line": line, "scenario": ident, "errors": str(exc)},
            ) from exc
    return RulebookFile(scenarios=scenarios)


def _attach_citations(scenario: Scenario, documents: dict[str, SourceDocument]) -> list[str]:
    problems = []
    for item in scenario.quoted():
        doc_id = item.source or scenario.source
        document = documents.get(doc_id)
        if document is None:
            problems.append(f"{scenario.id}: unknown source {doc_id!r} for {item.text!r}")
            continue
        citation = cite(document, item.cited_wording)
        if citation is None:
            problems.append(f"{scenario.id}: not found in {doc_id}: {item.cited_wording!r}")
            continue
        item.source = doc_id
        item.citation = citation
    return problems


def cite(document: SourceDocument, wording: str) -> Citation | None:
    span = locate(document.text, wording)
    if span is None:
        return None
    start, end = span
    return Citation(
        document=document.id,
        document_title=document.title,
        section=_section_of(document.passages, start),
        quote=document.text[start:end],
        start=start,
        end=end,
    )


def _section_of(passages: list[Passage], offset: int) -> str:
    for passage in passages:
        if passage.start <= offset < passage.end:
            return passage.section
    return passages[0].section if passages else ""


def all_quoted(rulebook: Rulebook) -> list[tuple[Scenario, _Quoted]]:
    """Every quoted entry of a scenario (a standard's loose forbidden list and wording are in `rulebook`)."""
    return [(s, q) for s in rulebook.scenarios for q in s.quoted()]
