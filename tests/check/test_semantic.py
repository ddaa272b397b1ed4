from __future__ import annotations

from copilot.check.draft import Draft
from copilot.check.semantic import exemplar_pieces, windows
from copilot.runtime import Copilot


def test_windows_are_clauses_and_neighbour_pairs() -> None:
    text = "我都说了三遍了，你怎么还是搞不清楚？好吗"
    found = [(w.text, text[w.start : w.end]) for w in windows(text)]
    assert all(a == b for a, b in found)
    assert [w for w, _ in found] == ["我都说了三遍了", "你怎么还是搞不清楚",
                                     "我都说了三遍了，你怎么还是搞不清楚"]  # 好吗 is too short to judge


def test_exemplar_pieces() -> None:
    assert exemplar_pieces("对不起，让您久等了") == {"对不起，让您久等了", "对不起", "让您久等了"}


def test_scores_are_probabilities_and_standard_wording_is_exempt(fake_copilot: Copilot) -> None:
    semantic = dict(fake_copilot.check.detectors)["semantic"]
    scored = semantic.score(Draft("我都说了三遍了，你怎么还是搞不清楚"))  # type: ignore[attr-defined]
    assert scored and all(0.0 <= s.probability <= 1.0 for s in scored)
    own = "对不起，您的电话杂音太大，听不清，请您换一部电话再次打来好吗？再见！"
    assert semantic.score(Draft(own)) == []  # type: ignore[attr-defined]
