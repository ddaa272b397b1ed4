from __future__ import annotations

from pathlib import Path

import pytest

from copilot.compose.service import PROMPTS
from copilot.errors import ConfigurationInvalid
from copilot.llm.prompts import PromptLibrary, load_prompt
from copilot.settings import REPO_ROOT


def test_project_prompts_load_and_declare_their_variables() -> None:
    library = PromptLibrary(REPO_ROOT / "prompts", PROMPTS)
    assert library["compose"].variables == {"max_chars", "scenario", "situation", "phrasings", "guidance",
                                                "channel", "transcript"}
    messages = library["revise"].render(violations="- 你烦不烦")
    assert "你烦不烦" in messages[-1].text
    # the fixed instructions are what the leak guard compares replies with; variables are not in them
    assert any("数据" in text for text in library["compose"].instructions)


def test_a_missing_variable_is_an_error_naming_it() -> None:
    prompt = PromptLibrary(REPO_ROOT / "prompts", PROMPTS)["compose"]
    with pytest.raises(ConfigurationInvalid, match="transcript") as info:
        prompt.render(max_chars="80", scenario="s", situation="s", phrasings="p", guidance="g", channel="c")
    assert info.value.details["missing"] == ["transcript"]


def test_undeclared_or_unused_variables_fail_at_load(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("variables: [a, b]\nhuman: '{a} and {c}'\n", encoding="utf-8")
    with pytest.raises(ConfigurationInvalid) as info:
        load_prompt(path)
    assert info.value.details["undeclared"] == ["c"] and info.value.details["unused"] == ["b"]


def test_a_missing_prompt_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationInvalid, match=r"compose\.yaml"):
        PromptLibrary(tmp_path, ("compose",))
