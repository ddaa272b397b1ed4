"""Whether the configured deadline fits the model: one timed call at start-up, judged against the settings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from copilot.settings import LLMSettings


class LatencyProbe(BaseModel):
    """One composition timed when the service started (the model's first call, prompt processing included)."""

    seconds: float | None = Field(description="How long the call took; null when it failed.")
    deadline_s: float
    timeout_s: float
    warnings: list[str] = Field(default_factory=list)


def judge(seconds: float | None, settings: LLMSettings) -> LatencyProbe:
    """The probe with what an admin should change: a deadline the call does not fit in means every composition
    falls back (timeout); one that fits the call but not two leaves no room for the retry after a rejected reply."""
    warnings = []
    if seconds is None:
        warnings.append("the timing call to the model failed: compositions will fall back until it answers")
    else:
        if seconds > settings.timeout_s:
            warnings.append(f"one call took {seconds:.1f} s, longer than llm.timeout_s ({settings.timeout_s:g} s): "
                            "requests to the model will time out")
        if seconds >= settings.deadline_s:
            warnings.append(f"one call took {seconds:.1f} s, not less than llm.deadline_s "
                            f"({settings.deadline_s:g} s): every composition will fall back (timeout)")
        elif 2 * seconds > settings.deadline_s:
            warnings.append(f"one call took {seconds:.1f} s: llm.deadline_s ({settings.deadline_s:g} s) leaves no "
                            "room for the retry after a rejected reply; raise it to at least "
                            f"{2 * seconds + 1:.0f} s")
    return LatencyProbe(seconds=seconds, deadline_s=settings.deadline_s, timeout_s=settings.timeout_s,
                        warnings=warnings)
