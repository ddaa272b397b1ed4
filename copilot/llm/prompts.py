"""Prompt files (prompts/*.yaml) loaded into LangChain chat prompt templates with declared variables.

A file has `variables`, and `system` and/or `human` message templates in f-string syntax. Loading fails if the
templates use a variable the file does not declare or declare one they never use; rendering fails naming any
declared variable that was not given.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from copilot.errors import ConfigurationInvalid

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from langchain_core.prompts import ChatPromptTemplate

ROLES = ("system", "human")
# Customer text and drafts sit between <<<…>>> markers in the prompts; with its brackets made full-width, the text
# cannot forge a marker.
MARKER_CHARS = str.maketrans({"<": "〈", ">": "〉"})


def as_data(text: str) -> str:
    """Text to place between the prompt's markers."""
    return text.translate(MARKER_CHARS)


@dataclass(frozen=True)
class Prompt:
    name: str
    variables: frozenset[str]
    template: ChatPromptTemplate
    instructions: tuple[str, ...]  # the fixed text between variables, for the prompt-leak guard

    def render(self, **values: str) -> list[BaseMessage]:
        missing = sorted(self.variables - values.keys())
        if missing:
            raise ConfigurationInvalid(
                f"prompt {self.name!r} is missing variable(s): {', '.join(missing)}",
                {"prompt": self.name, "missing": missing},
            )
        return self.template.format_messages(**{k: values[k] for k in self.variables})


def load_prompt(path: Path) -> Prompt:
    from langchain_core.prompts import ChatPromptTemplate

    name = path.stem
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationInvalid(f"prompt {name!r} cannot be read: {exc}", {"prompt": str(path)}) from exc
    if not isinstance(raw, dict) or not any(isinstance(raw.get(role), str) for role in ROLES):
        raise ConfigurationInvalid(f"prompt {name!r} needs a `system` or `human` template", {"prompt": str(path)})
    declared = frozenset(raw.get("variables") or [])
    messages = [(role, raw[role]) for role in ROLES if isinstance(raw.get(role), str)]
    used: set[str] = set()
    instructions: list[str] = []
    for _, text in messages:
        for literal, field_name, _spec, _conv in string.Formatter().parse(text):
            instructions.append(literal)
            if field_name is not None:
                used.add(field_name)
    if used != declared:
        raise ConfigurationInvalid(
            f"prompt {name!r}: templates use {sorted(used)} but `variables` declares {sorted(declared)}",
            {"prompt": str(path), "undeclared": sorted(used - declared), "unused": sorted(declared - used)},
        )
    template = ChatPromptTemplate.from_messages(messages, template_format="f-string")
    return Prompt(name, declared, template, tuple(t for t in instructions if t.strip()))


class PromptLibrary:
    """The prompts a composer needs, loaded and validated once at start-up."""

    def __init__(self, directory: Path, names: tuple[str, ...]) -> None:
        self.prompts: dict[str, Prompt] = {}
        for name in names:
            path = directory / f"{name}.yaml"
            if not path.is_file():
                raise ConfigurationInvalid(f"prompt file {path} is missing", {"prompt": name})
            self.prompts[name] = load_prompt(path)

    def __getitem__(self, name: str) -> Prompt:
        return self.prompts[name]
