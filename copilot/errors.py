"""Domain errors with stable codes. The HTTP layer maps them to responses in one place."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    NOT_READY = "not_ready"
    NOT_FOUND = "not_found"
    KNOWLEDGE_INVALID = "knowledge_invalid"
    BACKEND_UNAVAILABLE = "backend_unavailable"
    STATE_UNAVAILABLE = "state_unavailable"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    CONFIGURATION_INVALID = "configuration_invalid"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate_limited"
    REINDEX_FAILED = "reindex_failed"
    INTERNAL_ERROR = "internal_error"


class CopilotError(Exception):
    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInput(CopilotError):
    code = ErrorCode.INVALID_INPUT


class PayloadTooLarge(CopilotError):
    code = ErrorCode.PAYLOAD_TOO_LARGE


class NotReady(CopilotError):
    code = ErrorCode.NOT_READY


class NotFound(CopilotError):
    code = ErrorCode.NOT_FOUND


class KnowledgeInvalid(CopilotError):
    code = ErrorCode.KNOWLEDGE_INVALID


class BackendUnavailable(CopilotError):
    code = ErrorCode.BACKEND_UNAVAILABLE


class StateUnavailable(CopilotError):
    """The shared state (Redis) cannot be reached: live sessions and chat history wait, the rest serves on."""

    code = ErrorCode.STATE_UNAVAILABLE


class ConfigurationInvalid(CopilotError):
    """Settings or prompt files that cannot work; raised at start-up, not per request."""

    code = ErrorCode.CONFIGURATION_INVALID


class Unauthorized(CopilotError):
    code = ErrorCode.UNAUTHORIZED


class Forbidden(CopilotError):
    code = ErrorCode.FORBIDDEN


class RateLimited(CopilotError):
    code = ErrorCode.RATE_LIMITED


class ReindexFailed(CopilotError):
    """A new knowledge version did not validate; the previous version keeps serving."""

    code = ErrorCode.REINDEX_FAILED
