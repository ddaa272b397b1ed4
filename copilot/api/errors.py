"""Domain errors → HTTP, in one place, with one JSON body: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from copilot.errors import CopilotError, ErrorCode, RateLimited, StateUnavailable
from copilot.observability.context import current_request_id

log = logging.getLogger("copilot.api")

STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.INVALID_INPUT: 422,
    ErrorCode.NOT_READY: 503,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.KNOWLEDGE_INVALID: 422,
    ErrorCode.BACKEND_UNAVAILABLE: 503,
    ErrorCode.STATE_UNAVAILABLE: 503,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.CONFIGURATION_INVALID: 500,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.REINDEX_FAILED: 422,
    ErrorCode.INTERNAL_ERROR: 500,
}
HTTP_CODES = {400: "bad_request", 401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND,
              405: "method_not_allowed", 406: "not_acceptable", 413: ErrorCode.PAYLOAD_TOO_LARGE,
              415: "unsupported_media_type"}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    details = dict(details or {})
    if request_id := current_request_id():
        details.setdefault("request_id", request_id)
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(status_code=status, content=body.model_dump(), headers=headers)


async def _copilot_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CopilotError)
    headers = {"Retry-After": str(exc.details.get("retry_after_s", 1))} \
        if isinstance(exc, RateLimited | StateUnavailable) else None
    return error_response(STATUS_BY_CODE.get(exc.code, 500), exc.code, exc.message, exc.details, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
        for e in exc.errors()
    ]
    return error_response(422, ErrorCode.INVALID_INPUT, "request does not match the schema", {"errors": errors})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, ErrorCode.INTERNAL_ERROR, "internal error; the request id identifies it in the logs")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CopilotError, _copilot_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


def _doc(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _doc("No or unknown API key (auth enabled)"),
    403: _doc("The key's role may not use this route"),
    413: _doc("Body or input longer than the configured limit"),
    422: _doc("Invalid input"),
    429: _doc("Rate limit for this key exceeded; see Retry-After"),
    500: _doc("Internal error; details.request_id identifies it in the logs"),
    503: _doc("Index not loaded yet, a backend is unavailable, or (live sessions, chat history) the shared state"),
}
