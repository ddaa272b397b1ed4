"""One Server-Sent Event with a JSON body, for the streaming routes."""

from __future__ import annotations

import json

from fastapi.sse import format_sse_event
from pydantic import BaseModel


def sse(name: str, data: BaseModel | dict[str, object]) -> bytes:
    payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
    return format_sse_event(event=name, data_str=json.dumps(payload, ensure_ascii=False))
