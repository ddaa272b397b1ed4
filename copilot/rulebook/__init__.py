"""The curated rulebook: scenarios with approved (√) and forbidden (×) phrasings, each cited."""

from copilot.rulebook.models import (
    Category,
    Channel,
    Citation,
    ForbiddenPhrasing,
    Phrasing,
    Rulebook,
    Scenario,
)

__all__ = ["Category", "Channel", "Citation", "ForbiddenPhrasing", "Phrasing", "Rulebook", "Scenario"]
