from __future__ import annotations

import pytest

from copilot.errors import InvalidInput
from copilot.runtime import Copilot
from copilot.suggest.models import SuggestRequest


def test_response_shape_and_ordering(fake_copilot: Copilot) -> None:
    response = fake_copilot.suggest.suggest(SuggestRequest(transcript="客户：电话打了半天才接通", top_k=5))
    assert response.scenario is not None
    assert 0 <= response.scenario.confidence <= 1
    kinds = [s.kind for s in response.suggestions]
    assert kinds == sorted(kinds, key=lambda k: k != "approved"), "approved phrasings come before passages"
    texts = [s.text for s in response.suggestions]
    assert len(texts) == len(set(texts)) <= 5
    for suggestion in response.suggestions:
        document = fake_copilot.knowledge.documents[suggestion.citation.document]
        assert document.text[suggestion.citation.start : suggestion.citation.end] == suggestion.citation.quote


def test_channel_filter(fake_copilot: Copilot) -> None:
    response = fake_copilot.suggest.suggest(SuggestRequest(transcript="好的，谢谢，没别的了", channel="chat"))
    assert response.scenario is not None
    scenario = fake_copilot.knowledge.rulebook.scenario(response.scenario.id)
    assert "chat" in scenario.channels


def test_empty_transcript_is_invalid(fake_copilot: Copilot) -> None:
    with pytest.raises(InvalidInput):
        fake_copilot.suggest.suggest(SuggestRequest(transcript="  \n "))


def test_top_k_bounds() -> None:
    with pytest.raises(ValueError):
        SuggestRequest(transcript="x", top_k=0)
    with pytest.raises(ValueError):
        SuggestRequest(transcript="x", top_k=11)
