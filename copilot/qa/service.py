"""Score finished conversations against a scorecard, one or a batch at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from copilot.check.models import CheckRequest, Violation
from copilot.check.service import CheckService
from copilot.errors import NotFound
from copilot.knowledge import Knowledge
from copilot.qa.items import Judged, judge
from copilot.qa.models import Conversation, ConversationScore
from copilot.qa.scorecard import Scorecard, load_scorecards


class QAService:
    def __init__(self, scorecards: dict[str, Scorecard], checker: CheckService) -> None:
        self.scorecards = scorecards
        self.checker = checker

    @classmethod
    def build(cls, knowledge: Knowledge, folder: Path, checker: CheckService) -> QAService:
        return cls(load_scorecards(knowledge, folder), checker)

    def scorecard_for(self, conversation: Conversation) -> Scorecard:
        """The scorecard the conversation names, else the first one written for its channel."""
        if conversation.scorecard is not None:
            card = self.scorecards.get(conversation.scorecard)
            if card is None:
                raise NotFound(f"no scorecard {conversation.scorecard!r}",
                               {"scorecard": conversation.scorecard, "known": sorted(self.scorecards)})
            return card
        for card in self.scorecards.values():
            if card.channel == conversation.channel:
                return card
        raise NotFound(f"no scorecard for channel {conversation.channel!r}; add one to knowledge/scorecards/",
                       {"channel": conversation.channel, "known": sorted(self.scorecards)})

    def score(self, conversation: Conversation) -> ConversationScore:
        card = self.scorecard_for(conversation)
        judged = Judged(conversation, self._violations(conversation))
        items = [judge(scored, judged) for scored in card.items]
        applicable = [r for r in items if r.status != "n/a"]
        fatal = any(r.fatal and r.status == "fail" for r in items)
        total = sum(r.weight for r in applicable)
        earned = sum(r.weight for r in applicable if r.status == "pass")
        score = 0.0 if fatal else (100.0 * earned / total if total else 100.0)
        return ConversationScore(id=conversation.id, channel=conversation.channel, scorecard=card.id,
                                 score=round(score, 1), fatal=fatal,
                                 passed=sum(r.status == "pass" for r in items),
                                 failed=sum(r.status == "fail" for r in items), items=items)

    def score_all(self, conversations: Iterable[Conversation],
                  progress: Callable[[int], None] | None = None) -> list[ConversationScore]:
        results = []
        for conversation in conversations:
            results.append(self.score(conversation))
            if progress:
                progress(1)
        return results

    def _violations(self, conversation: Conversation) -> dict[int, list[Violation]]:
        """The checker on every agent turn, told where the turn stands (the first opens, the last closes)."""
        agent = [i for i, t in enumerate(conversation.turns) if t.role == "agent" and t.text.strip()]
        found: dict[int, list[Violation]] = {}
        for n, index in enumerate(agent):
            position = "opening" if n == 0 else "closing" if n == len(agent) - 1 else "middle"
            text = conversation.turns[index].text[: self.checker.settings.max_draft_chars]
            request = CheckRequest(draft=text, channel=conversation.channel, position=position)
            found[index] = self.checker.findings(request)
        return found
