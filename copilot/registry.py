"""A registry of backend factories keyed by mode, shared by every pluggable component."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from copilot.errors import BackendUnavailable

Factory = TypeVar("Factory", bound=Callable[..., object])


class Registry(Generic[Factory]):
    """Factories import their heavy libraries inside, so registering costs nothing at import time."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Factory] = {}

    def register(self, mode: str) -> Callable[[Factory], Factory]:
        def decorate(factory: Factory) -> Factory:
            self._factories[mode] = factory
            return factory

        return decorate

    def modes(self) -> list[str]:
        return sorted(self._factories)

    def get(self, mode: str) -> Factory:
        factory = self._factories.get(mode)
        if factory is None:
            raise BackendUnavailable(
                f"unknown {self.kind} mode {mode!r}; valid modes: {', '.join(self.modes())}",
                {"valid_modes": self.modes()},
            )
        return factory
